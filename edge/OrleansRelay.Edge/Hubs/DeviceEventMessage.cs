namespace OrleansRelay.Edge.Hubs;

/// <summary>
/// What the hub pushes as <c>notification</c> and <c>presence</c>: the device, the per-device event id, the data (a
/// notification's text, or presence JSON <c>{"online":…,"reason":…}</c>) and when the relay recorded it.
/// </summary>
public sealed record DeviceEventMessage(string DeviceId, long Id, string Data, DateTimeOffset At);
