using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Tasks.Sources;

namespace OrleansRelay.Wire;

/// <summary>
/// The single writer of a connection: frames from any number of producers go through one queue and one loop that
/// writes them in batches and flushes once per batch. Body pumps keep at most one chunk per stream in the queue
/// (they await <see cref="SendAndWaitAsync"/>), so the queue interleaves streams round-robin and one large body
/// cannot hold up small responses on the same connection. With <see cref="FrameSenderLimits"/>, a peer that stops
/// reading cannot make the queue grow without limit: the sender overflows and stops.
/// </summary>
/// <remarks>
/// The queue is a plain <see cref="Queue{T}"/> under its own monitor, and the loop waits on a reusable value-task
/// source embedded here: an edge holds one sender per connected device, and an idle one costs about 150 bytes this
/// way, against some 1.4 KiB for an unbounded channel (its segment, arrays and pending read operations).
/// </remarks>
public sealed class FrameSender : IValueTaskSource<bool>
{
    private readonly PipeWriter _output;
    private readonly FrameSenderLimits _limits;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _overflowed = new();

    /// <summary>Frames waiting for the loop; also the monitor that guards it and the two flags below.</summary>
    private readonly Queue<OutboundFrame> _queue = new();

    /// <summary>Wakes the loop when it waits for frames (its result carries nothing: the loop looks at the queue and the flags).</summary>
    private ManualResetValueTaskSourceCore<bool> _wake = new() { RunContinuationsAsynchronously = true };
    private bool _loopWaiting;
    private bool _completed;
    private bool _cancelled;
    private long _queuedBytes;
    private string? _overflowReason;

    /// <summary>Creates a sender over <paramref name="output"/>; call <see cref="RunAsync"/> to start writing.</summary>
    public FrameSender(PipeWriter output)
        : this(output, FrameSenderLimits.Unlimited, TimeProvider.System)
    {
    }

    /// <summary>Creates a sender over <paramref name="output"/> that gives up on a peer beyond <paramref name="limits"/>.</summary>
    public FrameSender(PipeWriter output, FrameSenderLimits limits, TimeProvider time)
    {
        _output = output;
        _limits = limits;
        _time = time;
        Overflowed = _overflowed.Token;
    }

    /// <summary>Cancelled once the peer stopped accepting data past the limits; the sender then accepts no more frames.</summary>
    public CancellationToken Overflowed { get; }

    /// <summary>Why the sender overflowed, once it has.</summary>
    public string? OverflowReason => Volatile.Read(ref _overflowReason);

    /// <summary>Encoded bytes queued or being flushed right now.</summary>
    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    /// <summary>Queues a frame without waiting for it to be written. Returns false (and frees the frame) when the sender is closed.</summary>
    public bool TrySend(OutboundFrame frame)
    {
        if (Enqueue(frame))
        {
            return true;
        }

        frame.Release(null);
        return false;
    }

    /// <summary>Queues a frame and completes when it has been written to the transport.</summary>
    /// <exception cref="ConnectionClosedException">The connection closed before the frame was written.</exception>
    public Task SendAndWaitAsync(OutboundFrame frame)
    {
        var written = frame.TrackWritten();
        if (!Enqueue(frame))
        {
            frame.Release(new ConnectionClosedException("The connection is closed."));
        }

        return written;
    }

    /// <summary>Stops accepting frames; <see cref="RunAsync"/> writes what is queued and returns.</summary>
    public void Complete() => Stop(cancelled: false);

    /// <summary>The write loop. Returns when <see cref="Complete"/> was called and the queue is drained, or the transport fails.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var batch = new List<OutboundFrame>();
        Exception? failure = null;
        using var cancellation = cancellationToken.UnsafeRegister(static state => ((FrameSender)state!).Stop(cancelled: true), this);
        try
        {
            while (true)
            {
                var next = TakeBatch(batch);
                if (next == NextBatch.Wait)
                {
                    // Awaited here, not in a helper: the loop's own state machine is reused, so an idle connection's
                    // wake-ups (a heartbeat every interval) allocate nothing.
                    await new ValueTask<bool>(this, _wake.Version);
                    continue;
                }

                if (next == NextBatch.Completed)
                {
                    break;
                }

                foreach (var frame in batch)
                {
                    _output.Write(frame.Span);
                }

                var flush = _output.FlushAsync(cancellationToken);
                var result = flush.IsCompleted ? flush.Result : await WaitForFlushAsync(flush, cancellationToken);
                if (result.IsCompleted || result.IsCanceled)
                {
                    // The peer stopped reading: this batch was not delivered (the finally block fails it).
                    failure = new IOException("The transport stopped accepting data.");
                    break;
                }

                foreach (var written in batch)
                {
                    Interlocked.Add(ref _queuedBytes, -written.Length);
                    written.Release(null);
                }

                batch.Clear();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException or ObjectDisposedException)
        {
            failure = ex;
        }
        finally
        {
            OutboundFrame[] rest;
            lock (_queue)
            {
                _completed = true;
                rest = _queue.ToArray();
                _queue.Clear();
            }

            var closed = new ConnectionClosedException("The connection closed before the frame was written.", failure);
            foreach (var pending in batch)
            {
                pending.Release(closed);
            }

            foreach (var pending in rest)
            {
                pending.Release(closed);
            }
        }
    }

    /// <summary>
    /// Moves up to 256 queued frames into <paramref name="batch"/>. With none queued: <see cref="NextBatch.Completed"/>
    /// once the sender completed, else <see cref="NextBatch.Wait"/> with the wake-up armed.
    /// </summary>
    /// <exception cref="OperationCanceledException">The loop's token was cancelled.</exception>
    private NextBatch TakeBatch(List<OutboundFrame> batch)
    {
        lock (_queue)
        {
            if (_cancelled)
            {
                throw new OperationCanceledException("The frame sender's loop was cancelled.");
            }

            while (batch.Count < 256 && _queue.TryDequeue(out var frame))
            {
                batch.Add(frame);
            }

            if (batch.Count > 0)
            {
                return NextBatch.Frames;
            }

            if (_completed)
            {
                return NextBatch.Completed;
            }

            _wake.Reset();
            _loopWaiting = true;
            return NextBatch.Wait;
        }
    }

    /// <summary>Under the queue's monitor: whether the loop waits (and must be woken by the caller, outside the lock).</summary>
    private bool TakeWaitingLoop()
    {
        var waiting = _loopWaiting;
        _loopWaiting = false;
        return waiting;
    }

    /// <summary>Completes the sender (its loop drains the queue, then ends) or cancels its loop, and wakes the loop.</summary>
    private void Stop(bool cancelled)
    {
        bool wake;
        lock (_queue)
        {
            _completed = true;
            _cancelled |= cancelled;
            wake = TakeWaitingLoop();
        }

        if (wake)
        {
            _wake.SetResult(true);
        }
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _wake.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _wake.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _wake.OnCompleted(continuation, state, token, flags);

    private bool Enqueue(OutboundFrame frame)
    {
        var length = frame.Length;
        var queued = Interlocked.Add(ref _queuedBytes, length);
        if (queued > _limits.MaxQueuedBytes && queued > length)
        {
            // One frame alone is always accepted; a queue past the limit means the peer is not reading.
            Interlocked.Add(ref _queuedBytes, -length);
            Overflow($"the peer stopped reading: {queued - length} bytes already queued, limit {_limits.MaxQueuedBytes}");
            return false;
        }

        bool wake;
        lock (_queue)
        {
            if (_completed)
            {
                Interlocked.Add(ref _queuedBytes, -length);
                return false;
            }

            _queue.Enqueue(frame);
            wake = TakeWaitingLoop();
        }

        if (wake)
        {
            _wake.SetResult(true);
        }

        return true;
    }

    private async ValueTask<FlushResult> WaitForFlushAsync(ValueTask<FlushResult> flush, CancellationToken cancellationToken)
    {
        if (_limits.WriteStallTimeout == Timeout.InfiniteTimeSpan)
        {
            return await flush;
        }

        var pending = flush.AsTask();
        try
        {
            return await pending.WaitAsync(_limits.WriteStallTimeout, _time, cancellationToken);
        }
        catch (TimeoutException)
        {
            Overflow($"the peer accepted no data for {_limits.WriteStallTimeout.TotalSeconds:0.###} s");
            return await pending;
        }
    }

    private void Overflow(string reason)
    {
        if (Interlocked.CompareExchange(ref _overflowReason, reason, null) is not null)
        {
            return;
        }

        Complete();
        _output.CancelPendingFlush();
        _overflowed.Cancel();
    }

    private enum NextBatch
    {
        Frames,
        Wait,
        Completed,
    }
}
