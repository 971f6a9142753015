using System.Net.Sockets;

namespace OrleansRelay.FunctionalTests.TestUtilities;

/// <summary>
/// A slowloris peer: sends bytes one at a time, paced by a <see cref="PeriodicTimer"/>, until all are sent, the peer
/// closes the connection, or it is stopped. <see cref="Sent"/> says how far it got.
/// </summary>
internal sealed class Trickle
{
    private int _sent;

    private Trickle()
    {
    }

    /// <summary>Bytes sent so far.</summary>
    public int Sent => Volatile.Read(ref _sent);

    /// <summary>The sending loop; completes when done, closed by the peer, or <paramref name="stop"/> is cancelled.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    public static Trickle Start(byte[] bytes, Func<ReadOnlyMemory<byte>, CancellationToken, Task> send, TimeSpan interval, CancellationToken stop)
    {
        var trickle = new Trickle();
        trickle.Completion = Task.Run(() => trickle.RunAsync(bytes, send, interval, stop), stop);
        return trickle;
    }

    private async Task RunAsync(byte[] bytes, Func<ReadOnlyMemory<byte>, CancellationToken, Task> send, TimeSpan interval, CancellationToken stop)
    {
        using var pace = new PeriodicTimer(interval);
        try
        {
            while (_sent < bytes.Length)
            {
                await send(bytes.AsMemory(_sent, 1), stop);
                Interlocked.Increment(ref _sent);
                await pace.WaitForNextTickAsync(stop);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
        {
            // The peer closed the connection (what the slowloris tests wait for), or the test stopped it.
        }
    }
}
