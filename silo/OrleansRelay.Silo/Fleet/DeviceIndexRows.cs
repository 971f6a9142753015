using OrleansRelay.Contracts.Model.Fleet;

namespace OrleansRelay.Silo.Fleet;

/// <summary>
/// How an entry changes a device's row (both stores follow it; MySqlDeviceIndexStore in SQL): the time and reason of
/// the last online/offline change stay put while the state does not change, an offline entry without a reason
/// keeps the stored one (or says <see cref="Unknown"/> if it is a change), and the notification time only grows.
/// </summary>
internal static class DeviceIndexRows
{
    /// <summary>An offline device whose reason the writer did not know (only a repair writes such an entry).</summary>
    public const string Unknown = "unknown";

    public static FleetDevice Next(FleetDevice? current, DeviceIndexEntry entry)
    {
        var unchanged = current is not null && current.Online == entry.Online;
        var reason = entry.Online
            ? DeviceIndexEntry.Connected
            : entry.Reason ?? (unchanged ? current!.Reason : Unknown);
        var since = unchanged && !entry.Online ? current!.Since : entry.Since;
        var notified = current?.LastNotificationAt is { } stored && (entry.LastNotificationAt is null || stored > entry.LastNotificationAt)
            ? stored
            : entry.LastNotificationAt;
        return new FleetDevice(entry.DeviceId, entry.Name, entry.Online, since, reason, entry.Online ? entry.EdgeId : null, entry.Owner, notified);
    }
}
