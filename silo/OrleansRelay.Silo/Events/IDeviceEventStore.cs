using OrleansRelay.Contracts.Model;

namespace OrleansRelay.Silo.Events;

/// <summary>Where device event logs live: appended per event, read back when a device's grain activates.</summary>
internal interface IDeviceEventStore
{
    /// <summary>The newest <paramref name="maxEvents"/> events of the device (oldest first) and its cursor.</summary>
    Task<StoredEventLog> LoadAsync(string deviceId, int maxEvents, CancellationToken cancellationToken);

    /// <summary>Appends events (ids consecutive after the stored ones) and moves the cursor, atomically.</summary>
    Task AppendAsync(string deviceId, IReadOnlyList<DeviceEvent> events, long lastSequence, CancellationToken cancellationToken);

    /// <summary>Deletes events with ids below <paramref name="keepFromId"/>.</summary>
    Task TrimAsync(string deviceId, long keepFromId, CancellationToken cancellationToken);
}

/// <summary>A device's stored events and cursor.</summary>
internal sealed record StoredEventLog(IReadOnlyList<DeviceEvent> Events, long LastEventId, long LastSequence)
{
    public static readonly StoredEventLog Empty = new([], 0, 0);
}
