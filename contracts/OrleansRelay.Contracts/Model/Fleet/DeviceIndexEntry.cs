namespace OrleansRelay.Contracts.Model.Fleet;

/// <summary>
/// What a device's grain writes to the fleet index when its registration or presence changes. Entries are applied
/// in <see cref="Version"/> order per device (an older one never overwrites a newer), and the index keeps the time and
/// reason of the last online/offline change itself: an entry that does not change the state does not move them.
/// </summary>
/// <param name="DeviceId">The device.</param>
/// <param name="Registered">False: the device was deregistered; its row is removed.</param>
/// <param name="Name">Display name.</param>
/// <param name="Online">Whether a session is live.</param>
/// <param name="Since">Online: when the session was accepted; offline: when it ended (or, never connected, when provisioned).</param>
/// <param name="Reason">The presence reason, when the writer knows it (null: keep the stored one if the state is unchanged).</param>
/// <param name="EdgeId">The session's edge.</param>
/// <param name="Owner">The owner's address.</param>
/// <param name="LastNotificationAt">The newest recorded notification's time, if any is known to the writer.</param>
/// <param name="Version">Orders a device's entries (UTC ticks of the change).</param>
[GenerateSerializer, Immutable, Alias("OrleansRelay.DeviceIndexEntry")]
public sealed record DeviceIndexEntry(
    [property: Id(0)] string DeviceId,
    [property: Id(1)] bool Registered,
    [property: Id(2)] string? Name,
    [property: Id(3)] bool Online,
    [property: Id(4)] DateTimeOffset Since,
    [property: Id(5)] string? Reason,
    [property: Id(6)] string? EdgeId,
    [property: Id(7)] string? Owner,
    [property: Id(8)] DateTimeOffset? LastNotificationAt,
    [property: Id(9)] long Version)
{
    /// <summary>The reason a device that never had a session is offline.</summary>
    public const string NeverConnected = "never-connected";

    /// <summary>The reason of an online device.</summary>
    public const string Connected = "connected";

    /// <summary>
    /// This pending entry followed by <paramref name="newer"/>, as one: the newer's fields, with the notification
    /// time that is latest and, when the newer does not change the state, this one's reason and since.
    /// </summary>
    public DeviceIndexEntry Then(DeviceIndexEntry newer)
    {
        if (newer.Version < Version)
        {
            return newer.Then(this);
        }

        var sameState = Registered && newer.Registered && Online == newer.Online;
        return newer with
        {
            Reason = newer.Reason ?? (sameState ? Reason : null),
            Since = sameState && !newer.Online ? Since : newer.Since,
            LastNotificationAt = Latest(LastNotificationAt, newer.LastNotificationAt),
        };
    }

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
