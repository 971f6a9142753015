using System.Buffers;
using OrleansRelay.Wire;

namespace OrleansRelay.Tests.Device;

/// <summary>
/// One stream as the test's edge sees it: the response head, the device's Data frames (with the edge's flow control:
/// credit goes back as the test consumes them, and every frame is checked against the window), a reset, and a
/// writer that sends Data within the credit the daemon grants.
/// </summary>
internal sealed class EdgeStream
{
    private readonly FrameSender _sender;
    private readonly int _chunkSize;
    private readonly int _window;
    private readonly SemaphoreSlim _progress = new(0);
    private long _inFlight;
    private long _maxInFlight;
    private long _received;
    private int _overruns;

    public EdgeStream(uint id, FrameSender sender, int chunkSize, int window)
    {
        Id = id;
        _sender = sender;
        _chunkSize = chunkSize;
        _window = window;
        Body = new InboundBodyStream(window, consumed =>
        {
            Interlocked.Add(ref _inFlight, -consumed);
            _sender.TrySend(OutboundFrame.CreateStreamControl(FrameType.WindowUpdate, Id, (uint)consumed));
        });
        SendWindow = new SendWindow(window);
    }

    public uint Id { get; }

    public TaskCompletionSource<(StreamFlags Flags, HttpResponseHead Head)> Head { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<StreamResetCode> Reset { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completed when the device's END_STREAM arrives.</summary>
    public TaskCompletionSource Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The device's Data bytes, as the edge's client would read them.</summary>
    public InboundBodyStream Body { get; }

    /// <summary>The credit the daemon granted this edge.</summary>
    public SendWindow SendWindow { get; }

    /// <summary>Bytes received and not yet consumed by the test.</summary>
    public long InFlight => Interlocked.Read(ref _inFlight);

    /// <summary>The most bytes the daemon ever had in flight on this stream.</summary>
    public long MaxInFlight => Interlocked.Read(ref _maxInFlight);

    public long Received => Interlocked.Read(ref _received);

    /// <summary>Data frames that went beyond the window or the chunk size.</summary>
    public int Overruns => Volatile.Read(ref _overruns);

    public void OnData(in ReadOnlySequence<byte> content, bool endStream)
    {
        var inFlight = Interlocked.Add(ref _inFlight, content.Length);
        Interlocked.Add(ref _received, content.Length);
        long max;
        while (inFlight > (max = Interlocked.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, inFlight, max) != max)
        {
        }

        if (content.Length > _chunkSize || !Body.Append(content))
        {
            Interlocked.Increment(ref _overruns);
        }

        if (endStream)
        {
            Body.Complete();
            Ended.TrySetResult();
        }

        _progress.Release();
    }

    public void OnReset(StreamResetCode code)
    {
        Reset.TrySetResult(code);
        Body.Fail(new IOException($"The device reset stream {Id} ({code})."));
        SendWindow.Abort(new IOException("reset"));
        _progress.Release();
    }

    /// <summary>Waits (event-driven, no polling delays) until <paramref name="condition"/> holds after some Data frame.</summary>
    public async Task WaitForAsync(Func<EdgeStream, bool> condition, string what)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        try
        {
            while (!condition(this))
            {
                await _progress.WaitAsync(timeout.Token);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"Stream {Id}: {what} did not happen within 20 s (in flight {InFlight}, received {Received}).");
        }
    }

    /// <summary>Sends bytes as Data frames of at most a chunk, each within the daemon's credit.</summary>
    public async Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            var credit = await SendWindow.WaitForCreditAsync(cancellationToken);
            var count = Math.Min(Math.Min(credit, _chunkSize), data.Length);
            SendWindow.Consume(count);
            await _sender.SendAndWaitAsync(OutboundFrame.CreateStream(FrameType.Data, Id, StreamFlags.None, data.Span[..count]));
            data = data[count..];
        }
    }

    /// <summary>Ends the edge's half of the stream.</summary>
    public void EndWrite() => _sender.TrySend(OutboundFrame.CreateStream(FrameType.Data, Id, StreamFlags.EndStream, []));

    public async Task<byte[]> ReadToEndAsync()
    {
        var bytes = new MemoryStream();
        await Body.CopyToAsync(bytes, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        return bytes.ToArray();
    }

    public bool IsWithinWindow => Overruns == 0 && MaxInFlight <= _window;
}
