namespace OrleansRelay.Contracts.Model.Fleet;

/// <summary>One device as the fleet index holds it: what the operator's device list shows.</summary>
/// <param name="DeviceId">The device id (the index's key and sort order).</param>
/// <param name="Name">The operator-given name, else the name from the device's hello.</param>
/// <param name="Online">Whether a session is live.</param>
/// <param name="Since">When the device went online or offline (for a device never connected: when it was provisioned).</param>
/// <param name="Reason">The last presence reason (<c>connected</c>, <c>graceful</c>, <c>edge-lost</c>, …, or <c>never-connected</c>).</param>
/// <param name="EdgeId">The edge holding the session, when online.</param>
/// <param name="Owner">The owner's normalized address, if the device names one.</param>
/// <param name="LastNotificationAt">When the relay last recorded a notification of the device.</param>
[GenerateSerializer, Immutable, Alias("OrleansRelay.FleetDevice")]
public sealed record FleetDevice(
    [property: Id(0)] string DeviceId,
    [property: Id(1)] string? Name,
    [property: Id(2)] bool Online,
    [property: Id(3)] DateTimeOffset Since,
    [property: Id(4)] string Reason,
    [property: Id(5)] string? EdgeId,
    [property: Id(6)] string? Owner,
    [property: Id(7)] DateTimeOffset? LastNotificationAt);
