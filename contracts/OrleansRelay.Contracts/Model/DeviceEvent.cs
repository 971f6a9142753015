namespace OrleansRelay.Contracts.Model;

/// <summary>
/// One entry of a device's event log: a notification from the device or a presence change. <see cref="Id"/> increases
/// by one per event of the device, so a subscriber resumes exactly after the last id it saw.
/// </summary>
/// <param name="Id">Per-device event id, from 1.</param>
/// <param name="Kind"><see cref="DeviceEventKinds.Notification"/> or <see cref="DeviceEventKinds.Presence"/>.</param>
/// <param name="Data">A notification's text (one line), or presence JSON <c>{"online":…,"reason":…}</c>.</param>
/// <param name="At">When the relay recorded it.</param>
[GenerateSerializer, Immutable, Alias("OrleansRelay.DeviceEvent")]
public sealed record DeviceEvent(
    [property: Id(0)] long Id,
    [property: Id(1)] string Kind,
    [property: Id(2)] string Data,
    [property: Id(3)] DateTimeOffset At);

/// <summary>The kinds of <see cref="DeviceEvent"/>.</summary>
public static class DeviceEventKinds
{
    public const string Notification = "notification";
    public const string Presence = "presence";
}
