using Microsoft.Extensions.Logging;
using OrleansRelay.Device.Outbox;
using OrleansRelay.Wire.Messages;

namespace OrleansRelay.Device.Notifications;

/// <summary>
/// Notifications the relay has not acknowledged yet, in order. Each gets a sequence number that is larger than every
/// earlier one, across restarts too (wall-clock microseconds, forced past the last one handed out, which the outbox
/// on disk remembers), so the relay can drop a resent duplicate. With a directory the outbox is on disk: a
/// notification is accepted (its task completes) once it is fsync'd there, is sent only from then on, and is replayed
/// after a restart until acknowledged. Without one it lives in memory only (library use). Bounded both ways: when full,
/// new notifications are refused, never silently dropped.
/// </summary>
public sealed class NotificationOutbox : IDisposable
{
    private readonly object _gate = new();
    private readonly Queue<NotificationMessage> _pending = new();
    private readonly TimeProvider _time;
    private readonly OutboxStore? _store;
    private long _lastSequence;
    private int _writing;

    /// <summary>An outbox in memory only.</summary>
    public NotificationOutbox(int capacity, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
        _time = time;
    }

    private NotificationOutbox(int capacity, TimeProvider time, string directory, long maxBytes, ILogger logger)
        : this(capacity, time)
    {
        _store = OutboxStore.Open(directory, maxBytes, OnDurable, logger, out var contents);
        _lastSequence = contents.LastSequence;
        foreach (var notification in contents.Unacknowledged)
        {
            _pending.Enqueue(notification);
        }
    }

    /// <summary>Notifications became sendable (written to disk); raised on the outbox's writer thread.</summary>
    public event Action? Sendable;

    /// <summary>Most notifications held unacknowledged.</summary>
    public int Capacity { get; }

    /// <summary>Notifications not yet acknowledged (being written, or on disk waiting for the relay).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count + _writing;
            }
        }
    }

    /// <summary>fsyncs that accepted notifications so far (0 in memory): accepted notifications / syncs is the group-commit batch size.</summary>
    public long DiskSyncs => _store?.Syncs ?? 0;

    /// <summary>Bytes the outbox's files take (0 in memory).</summary>
    public long Bytes => _store?.Bytes ?? 0;

    /// <summary>
    /// Opens the outbox on disk in <paramref name="directory"/> (created if missing, mode 0700), at most
    /// <paramref name="maxBytes"/> of files; the unacknowledged notifications it holds are sent again first.
    /// </summary>
    /// <exception cref="IOException">The directory cannot be used, or another daemon holds it.</exception>
    public static NotificationOutbox Open(string directory, long maxBytes, int capacity, TimeProvider time, ILogger logger) =>
        new(capacity, time, directory, maxBytes, logger);

    /// <summary>
    /// Numbers and stores a notification. The task completes when it is accepted: at once in memory, after its
    /// fsync on disk (concurrent callers share one fsync).
    /// </summary>
    /// <exception cref="NotificationRefusedException">Invalid text, the outbox is full, or the disk write failed.</exception>
    public Task<long> AddAsync(string text)
    {
        if (NotificationMessage.Validate(text) is { } problem)
        {
            return Task.FromException<long>(new NotificationRefusedException(NotificationRefusal.Invalid, problem));
        }

        Task written;
        NotificationMessage notification;
        lock (_gate)
        {
            if (_pending.Count + _writing >= Capacity)
            {
                return Task.FromException<long>(new NotificationRefusedException(
                    NotificationRefusal.OutboxFull,
                    $"{Capacity} notifications are waiting for the relay's acknowledgement; try again later."));
            }

            notification = new NotificationMessage(Math.Max(_time.GetUtcNow().ToUnixTimeMilliseconds() * 1000, _lastSequence + 1), text);
            if (_store is null)
            {
                _lastSequence = notification.Sequence;
                _pending.Enqueue(notification);
                written = Task.CompletedTask;
            }
            else
            {
                try
            {
                    // Under the lock, so records reach the file in sequence order.
                    written = _store.Append(notification);
                }
                catch (NotificationRefusedException ex)
                {
                    return Task.FromException<long>(ex);
                }

                _lastSequence = notification.Sequence;
                _writing++;
            }
        }

        if (_store is null)
        {
            Sendable?.Invoke();
            return Task.FromResult(notification.Sequence);
        }

        return AcceptedAsync(written, notification.Sequence);
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

        _store?.Acknowledge(sequence);
    }

    /// <summary>Writes what is waiting and closes the files.</summary>
    public void Dispose() => _store?.Dispose();

    private async Task<long> AcceptedAsync(Task written, long sequence)
    {
        try
        {
            await written;
        }
        catch (NotificationRefusedException)
        {
            lock (_gate)
            {
                _writing--;
            }

            throw;
        }

        return sequence;
    }

    private void OnDurable(IReadOnlyList<NotificationMessage> notifications)
    {
        lock (_gate)
        {
            foreach (var notification in notifications)
            {
                _pending.Enqueue(notification);
            }

            _writing -= notifications.Count;
        }

        Sendable?.Invoke();
    }
}
