using System.Collections.Concurrent;
using OrleansRelay.Contracts.Model;

namespace OrleansRelay.Silo.Events;

/// <summary>
/// Event logs in this silo's memory (the embedded default and <c>Storage:Provider=Memory</c>): they survive the
/// deactivation of a device's grain, not the silo.
/// </summary>
internal sealed class MemoryDeviceEventStore : IDeviceEventStore
{
    private readonly ConcurrentDictionary<string, Log> _logs = new(StringComparer.Ordinal);

    public Task<StoredEventLog> LoadAsync(string deviceId, int maxEvents, CancellationToken cancellationToken)
    {
        if (!_logs.TryGetValue(deviceId, out var log))
        {
            return Task.FromResult(StoredEventLog.Empty);
        }

        lock (log)
        {
            return Task.FromResult(new StoredEventLog(log.Events.TakeLast(maxEvents).ToArray(), log.LastEventId, log.LastSequence));
        }
    }

    public Task AppendAsync(string deviceId, IReadOnlyList<DeviceEvent> events, long lastSequence, CancellationToken cancellationToken)
    {
        var log = _logs.GetOrAdd(deviceId, _ => new Log());
        lock (log)
        {
            log.Events.AddRange(events);
            log.LastEventId = events.Count > 0 ? events[^1].Id : log.LastEventId;
            log.LastSequence = Math.Max(log.LastSequence, lastSequence);
        }

        return Task.CompletedTask;
    }

    public Task TrimAsync(string deviceId, long keepFromId, CancellationToken cancellationToken)
    {
        if (_logs.TryGetValue(deviceId, out var log))
        {
            lock (log)
            {
                log.Events.RemoveAll(e => e.Id < keepFromId);
            }
        }

        return Task.CompletedTask;
    }

    private sealed class Log
    {
        public List<DeviceEvent> Events { get; } = [];

        public long LastEventId { get; set; }

        public long LastSequence { get; set; }
    }
}
