using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;

namespace OrleansRelay.FunctionalTests.TestUtilities;

/// <summary>
/// The test's handle on one endless response of <see cref="StreamingDeviceService"/>: the device sends its next event
/// only when told (<see cref="Send"/>), records when it flushed each one, and reports the moment its request was aborted.
/// </summary>
internal sealed class EndlessStreamControl
{
    private readonly Channel<bool> _commands = Channel.CreateUnbounded<bool>();
    private readonly ConcurrentDictionary<int, long> _flushedAt = new();

    /// <summary>The device's handler has started (and flushed its response headers).</summary>
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completed with the <see cref="Stopwatch"/> timestamp at which <c>HttpContext.RequestAborted</c> fired.</summary>
    public TaskCompletionSource<long> Aborted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Lets the device send its next event.</summary>
    public void Send() => _commands.Writer.TryWrite(true);

    /// <summary>Makes the device's service abort its response (a device failing mid-stream).</summary>
    public void Fail() => _commands.Writer.TryWrite(false);

    /// <summary>The <see cref="Stopwatch"/> timestamp at which event <paramref name="number"/> was flushed by the device.</summary>
    public long FlushedAt(int number) =>
        _flushedAt.TryGetValue(number, out var at) ? at : throw new InvalidOperationException($"event {number} was never flushed");

    internal ValueTask<bool> NextCommandAsync(CancellationToken cancellationToken) => _commands.Reader.ReadAsync(cancellationToken);

    internal void Flushed(int number) => _flushedAt[number] = Stopwatch.GetTimestamp();
}
