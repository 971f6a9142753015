using OrleansRelay.Wire.Messages;

namespace OrleansRelay.Device.Notifications;

/// <summary>
/// Notifications the relay has not acknowledged yet, in order. Each gets a sequence number that is larger than every
/// earlier one, across restarts too (wall-clock microseconds, forced past the last one), so the relay can drop a
/// resent duplicate. Bounded: when full, new notifications are refused (never silently dropped).
/// </summary>
public sealed class NotificationOutbox
{
    private readonly object _gate = new();
    private readonly Queue<NotificationMessage> _pending = new();
    private readonly TimeProvider _time;
    private long _lastSequence;

    public NotificationOutbox(int capacity, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
        _time = time;
    }

    /// <summary>Most notifications held unacknowledged.</summary>
    public int Capacity { get; }

    /// <summary>Notifications not yet acknowledged.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Queues a notification; returns why not when it is invalid or the outbox is full.</summary>
    public string? TryAdd(string text)
    {
        if (NotificationMessage.Validate(text) is { } problem)
        {
            return problem;
        }

        lock (_gate)
        {
            if (_pending.Count >= Capacity)
            {
                return $"{Capacity} notifications are waiting for the relay's acknowledgement; try again later.";
            }

            _lastSequence = Math.Max(_time.GetUtcNow().ToUnixTimeMilliseconds() * 1000, _lastSequence + 1);
            _pending.Enqueue(new NotificationMessage(_lastSequence, text));
            return null;
        }
    }

    /// <summary>The unacknowledged notifications after <paramref name="afterSequence"/>, oldest first.</summary>
    public NotificationMessage[] After(long afterSequence)
    {
        lock (_gate)
        {
            return _pending.Where(n => n.Sequence > afterSequence).ToArray();
        }
    }

    /// <summary>How many unacknowledged notifications have sequence numbers up to <paramref name="sequence"/> (sent, not yet acknowledged).</summary>
    public int CountUpTo(long sequence)
    {
        lock (_gate)
        {
            return _pending.Count(n => n.Sequence <= sequence);
        }
    }

    /// <summary>The relay recorded everything up to <paramref name="sequence"/>.</summary>
    public void Acknowledge(long sequence)
    {
        lock (_gate)
        {
            while (_pending.TryPeek(out var oldest) && oldest.Sequence <= sequence)
            {
                _pending.Dequeue();
            }
        }
    }
}
