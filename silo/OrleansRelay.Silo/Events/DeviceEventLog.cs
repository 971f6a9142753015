using System.Collections.Concurrent;
using OrleansRelay.Contracts.Model;

namespace OrleansRelay.Silo.Events;

/// <summary>
/// A device's event log as its grain holds it: ids and notification sequence numbers, the replay window in memory,
/// appends written through to the store before they count. Appends are serialized (relays interleave with other
/// calls on the grain), and an append that fails to persist changes nothing, so ids never repeat.
/// </summary>
internal sealed class DeviceEventLog
{
    /// <summary>
    /// The text of a presence event, one string per (online, reason): reasons are a handful of constants, and a
    /// string per event was two thirds of a presence event's memory in the replay window (soak: ~170 B per event).
    /// </summary>
    private static readonly ConcurrentDictionary<(bool Online, string Reason), string> PresenceTexts = new();

    private readonly string _deviceId;
    private readonly IDeviceEventStore _store;
    private readonly EventOptions _options;
    private readonly TimeProvider _time;
    private readonly Queue<DeviceEvent> _recent = new();
    private readonly SemaphoreSlim _appending = new(1, 1);
    private int _appendsSinceTrim;
    private bool _uncertain;

    public DeviceEventLog(string deviceId, IDeviceEventStore store, EventOptions options, TimeProvider time)
    {
        _deviceId = deviceId;
        _store = store;
        _options = options;
        _time = time;
    }

    /// <summary>Raised when trimming old events from the store failed (the grain logs it).</summary>
    public event Action<Exception>? TrimFailed;

    /// <summary>The id of the newest event (0: none yet).</summary>
    public long LastId { get; private set; }

    /// <summary>The highest notification sequence number recorded.</summary>
    public long LastSequence { get; private set; }

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var stored = await _store.LoadAsync(_deviceId, _options.ReplayCount, cancellationToken);
        _recent.Clear();
        foreach (var e in stored.Events)
        {
            _recent.Enqueue(e);
        }

        LastId = Math.Max(stored.LastEventId, stored.Events.Count > 0 ? stored.Events[^1].Id : 0);
        LastSequence = stored.LastSequence;
    }

    /// <summary>Records the notifications newer than the last recorded sequence number; returns the new events.</summary>
    public async Task<DeviceEvent[]> AppendNotificationsAsync(IReadOnlyList<DeviceNotification> notifications)
    {
        await _appending.WaitAsync();
        try
        {
            await ReloadIfUncertainAsync();
            var now = _time.GetUtcNow();
            var events = new List<DeviceEvent>();
            var lastSequence = LastSequence;
            foreach (var notification in notifications)
            {
                if (notification.Sequence > lastSequence)
                {
                    lastSequence = notification.Sequence;
                    events.Add(new DeviceEvent(LastId + events.Count + 1, DeviceEventKinds.Notification, notification.Text, now));
                }
            }

            if (events.Count > 0)
            {
                await CommitAsync(events, lastSequence);
            }

            return [.. events];
        }
        finally
        {
            _appending.Release();
        }
    }

    /// <summary>Records a presence change.</summary>
    public async Task<DeviceEvent> AppendPresenceAsync(bool online, string reason)
    {
        await _appending.WaitAsync();
        try
        {
            await ReloadIfUncertainAsync();
            var data = PresenceTexts.GetOrAdd((online, reason), static key => $"{{\"online\":{(key.Online ? "true" : "false")},\"reason\":\"{key.Reason}\"}}");
            var presence = new DeviceEvent(LastId + 1, DeviceEventKinds.Presence, data, _time.GetUtcNow());
            await CommitAsync([presence], LastSequence);
            return presence;
        }
        finally
        {
            _appending.Release();
        }
    }

    /// <summary>
    /// Events after <paramref name="afterId"/> still in the window (negative: none, only the position). A positive
    /// <paramref name="afterId"/> older than the window reports a gap.
    /// </summary>
    public DeviceEventPage Read(long afterId, int max)
    {
        var horizon = _time.GetUtcNow() - _options.ReplayAge;
        var window = _recent.Where(e => e.At >= horizon).ToArray();
        var oldest = window.Length > 0 ? window[0].Id : LastId + 1;
        var events = afterId < 0 ? [] : window.Where(e => e.Id > afterId).Take(max).ToArray();
        return new DeviceEventPage(events, oldest, LastId, Gap: afterId > 0 && afterId + 1 < oldest);
    }

    /// <summary>
    /// After a failed append the store may hold it all the same (the database committed, then the connection broke:
    /// a MariaDB kill -9 under bench/fault-injection.sh). Retrying with the same ids then failed on the duplicate key
    /// forever and the device's notifications were never acknowledged; read the log's position back first instead.
    /// Notifications it already holds are then acknowledged without being recorded twice.
    /// </summary>
    private async Task ReloadIfUncertainAsync()
    {
        if (_uncertain)
        {
            await LoadAsync(CancellationToken.None);
            _uncertain = false;
        }
    }

    private async Task CommitAsync(List<DeviceEvent> events, long lastSequence)
    {
        try
        {
            await _store.AppendAsync(_deviceId, events, lastSequence, CancellationToken.None);
        }
        catch
        {
            _uncertain = true;
            throw;
        }

        foreach (var e in events)
        {
            _recent.Enqueue(e);
        }

        while (_recent.Count > _options.ReplayCount)
        {
            _recent.Dequeue();
        }

        LastId = events[^1].Id;
        LastSequence = lastSequence;
        if (++_appendsSinceTrim >= 100)
        {
            // Best effort: the events are recorded; a failed trim only leaves old rows until the next one.
            _appendsSinceTrim = 0;
            try
            {
                await _store.TrimAsync(_deviceId, LastId - _options.ReplayCount + 1, CancellationToken.None);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                TrimFailed?.Invoke(ex);
            }
        }
    }
}
