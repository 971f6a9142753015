using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace OrleansRelay.FunctionalTests.TestUtilities;

/// <summary>
/// A Redis server of one test's own (the binaries the test command installed, append-only file in a throwaway
/// directory, free port), so the test can crash and restart it without disturbing the shared instance.
/// </summary>
internal sealed class DedicatedRedis : IAsyncDisposable
{
    private readonly string _directory;
    private readonly int _port;
    private Process _server;

    private DedicatedRedis(string directory, int port)
    {
        _directory = directory;
        _port = port;
        _server = Launch(directory, port);
    }

    /// <summary>StackExchange.Redis configuration for this server.</summary>
    public string ConnectionString => $"127.0.0.1:{_port}";

    public static async Task<DedicatedRedis> StartAsync()
    {
        var directory = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "orleansrelay-redis-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        var redis = new DedicatedRedis(directory, FreePort.Next());
        await redis.WaitUntilServingAsync();
        return redis;
    }

    /// <summary>kill -9: whatever the append-only file holds is what comes back.</summary>
    public void Kill()
    {
        _server.Kill(entireProcessTree: true);
        _server.WaitForExit(10_000);
    }

    /// <summary>Starts the server again on the same port and data directory.</summary>
    public async Task RestartAsync()
    {
        _server.Dispose();
        _server = Launch(_directory, _port);
        await WaitUntilServingAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_server.HasExited)
        {
            Kill();
        }

        _server.Dispose();
        await Task.Run(() => Directory.Delete(_directory, recursive: true));
    }

    private static Process Launch(string directory, int port)
    {
        var start = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes", "--dir", directory })
        {
            start.ArgumentList.Add(argument);
        }

        var server = Process.Start(start) ?? throw new InvalidOperationException("Could not start redis-server (the test command installs it).");
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        return server;
    }

    private Task WaitUntilServingAsync() => Eventually.TrueAsync(
        async () =>
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", _port, TestContext.Current.CancellationToken);
                var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray(), TestContext.Current.CancellationToken);
                var buffer = new byte[16];
                var read = await stream.ReadAsync(buffer, TestContext.Current.CancellationToken);
                return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
            }
            catch (SocketException)
            {
                return false;
            }
        },
        $"the dedicated Redis on port {_port} to answer PING",
        TimeSpan.FromSeconds(30));
}
