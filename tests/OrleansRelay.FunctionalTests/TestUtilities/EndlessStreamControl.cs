using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;

namespace OrleansRelay.FunctionalTests.TestUtilities;

/// <summary>
/// The test's handle on one endless response of <see cref="StreamingDeviceService"/>: the device sends its next event
/// only when told (<see cref="Send"/>), records when it began sending each one, and reports the moment its request was aborted.
/// </summary>
internal sealed class EndlessStreamControl
{
    private readonly Channel<bool> _commands = Channel.CreateUnbounded<bool>();
    private readonly ConcurrentDictionary<int, long> _sentAt = new();

    /// <summary>The device's handler has started (and flushed its response headers).</summary>
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completed with the <see cref="Stopwatch"/> timestamp at which <c>HttpContext.RequestAborted</c> fired.</summary>
    public TaskCompletionSource<long> Aborted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Lets the device send its next event.</summary>
    public void Send() => _commands.Writer.TryWrite(true);

    /// <summary>Makes the device's service abort its response (a device failing mid-stream).</summary>
    public void Fail() => _commands.Writer.TryWrite(false);

    /// <summary>The <see cref="Stopwatch"/> timestamp at which the device began writing and flushing event <paramref name="number"/>.</summary>
    public long SentAt(int number) =>
        _sentAt.TryGetValue(number, out var at) ? at : throw new InvalidOperationException($"event {number} was never sent");

    internal ValueTask<bool> NextCommandAsync(CancellationToken cancellationToken) => _commands.Reader.ReadAsync(cancellationToken);

    internal void Sending(int number) => _sentAt[number] = Stopwatch.GetTimestamp();

    /// <summary>What the device's service saw of this request, for a failure's message: its connection and how its handler ended.</summary>
    public string Seen => $"served on connection {_connection ?? "(never)"}, handler ended: {_ended ?? "(still running)"}";

    internal void Served(string connection) => _connection = connection;

    internal void Ended(string how) => _ended = how;

    private volatile string? _connection;
    private volatile string? _ended;
}
