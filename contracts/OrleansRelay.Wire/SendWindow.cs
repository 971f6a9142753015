namespace OrleansRelay.Wire;

/// <summary>
/// Per-stream send credit. A sender may have at most the window's bytes of body in flight; the receiver grants more
/// with <see cref="FrameType.WindowUpdate"/> as it consumes them.
/// </summary>
public sealed class SendWindow
{
    private readonly Lock _lock = new();
    private long _credit;
    private TaskCompletionSource<bool>? _waiter;
    private Exception? _aborted;

    /// <summary>Creates a window with <paramref name="initialCredit"/> bytes of credit.</summary>
    public SendWindow(int initialCredit)
    {
        _credit = initialCredit;
    }

    /// <summary>Waits until there is credit and returns how much (always &gt; 0).</summary>
    public async ValueTask<int> WaitForCreditAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task<bool> wait;
            lock (_lock)
            {
                if (_aborted is not null)
                {
                    throw _aborted;
                }

                if (_credit > 0)
                {
                    return (int)Math.Min(_credit, int.MaxValue);
                }

                _waiter ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _waiter.Task;
            }

            await wait.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Takes <paramref name="bytes"/> of credit after sending them.</summary>
    public void Consume(int bytes)
    {
        lock (_lock)
        {
            _credit -= bytes;
        }
    }

    /// <summary>Adds credit from a window update. Returns false when the total would overflow (a protocol error).</summary>
    public bool Grant(uint increment)
    {
        TaskCompletionSource<bool>? waiter;
        lock (_lock)
        {
            if (increment == 0 || _credit + increment > int.MaxValue)
            {
                return false;
            }

            _credit += increment;
            waiter = _waiter;
            _waiter = null;
        }

        waiter?.TrySetResult(true);
        return true;
    }

    /// <summary>Fails current and future waits, e.g. when the stream is reset or the connection closes.</summary>
    public void Abort(Exception reason)
    {
        TaskCompletionSource<bool>? waiter;
        lock (_lock)
        {
            _aborted ??= reason;
            waiter = _waiter;
            _waiter = null;
        }

        waiter?.TrySetException(reason);
    }
}
