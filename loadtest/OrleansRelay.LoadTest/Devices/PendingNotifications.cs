using OrleansRelay.Wire.Messages;

namespace OrleansRelay.LoadTest.Devices;

/// <summary>
/// A simulated device's notifications the relay has not acknowledged, with the daemon's policy
/// (<c>device/…/Notifications/NotificationOutbox</c> and its session): sequence numbers are wall-clock microseconds
/// forced above the previous one; at most <see cref="NotificationMessage.MaxUnacknowledged"/> are sent and not yet
/// acknowledged; more go out as acknowledgements arrive; on each new session every unacknowledged one is sent again
/// from the oldest. Kept across the device's sessions.
/// </summary>
internal sealed class PendingNotifications
{
    private readonly Lock _gate = new();
    private readonly List<NotificationMessage> _pending = [];
    private DeviceConnection? _session;
    private int _sentOnSession;
    private long _lastSequence;
    private long _acknowledged;
    private long _resent;

    /// <summary>Notifications acknowledged by the relay so far.</summary>
    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    /// <summary>Notifications sent again on a new session (the relay drops those it had recorded).</summary>
    public long Resent => Interlocked.Read(ref _resent);

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

    /// <summary>Queues <paramref name="text"/> and sends it if the session and the window allow.</summary>
    public void Add(string text)
    {
        lock (_gate)
        {
            _lastSequence = Math.Max(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000, _lastSequence + 1);
            _pending.Add(new NotificationMessage(_lastSequence, text));
            Pump();
        }
    }

    /// <summary>A new session: everything unacknowledged goes out again, oldest first.</summary>
    public void Attach(DeviceConnection session)
    {
        lock (_gate)
        {
            _session = session;
            Interlocked.Add(ref _resent, Math.Min(_pending.Count, NotificationMessage.MaxUnacknowledged));
            _sentOnSession = 0;
            Pump();
        }
    }

    public void Detach(DeviceConnection session)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_session, session))
            {
                _session = null;
            }
        }
    }

    /// <summary>The relay recorded everything up to <paramref name="sequence"/>.</summary>
    public void Acknowledge(long sequence)
    {
        lock (_gate)
        {
            var done = 0;
            while (done < _pending.Count && _pending[done].Sequence <= sequence)
            {
                done++;
            }

            _pending.RemoveRange(0, done);
            _sentOnSession = Math.Max(0, _sentOnSession - done);
            Interlocked.Add(ref _acknowledged, done);
            Pump();
        }
    }

    private void Pump()
    {
        while (_session is { } session && _sentOnSession < _pending.Count && _sentOnSession < NotificationMessage.MaxUnacknowledged)
        {
            if (!session.TrySend(_pending[_sentOnSession].ToFrame()))
            {
                return;
            }

            _sentOnSession++;
        }
    }
}
