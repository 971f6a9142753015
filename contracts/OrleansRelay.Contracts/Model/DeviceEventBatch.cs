namespace OrleansRelay.Contracts.Model;

/// <summary>
/// What a device's grain publishes on the device's event stream after appending to its log: the new events, ids
/// consecutive and increasing. A consumer that sees an id jump reads the missing ones from the log (<c>GetEvents</c>).
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansRelay.DeviceEventBatch")]
public sealed record DeviceEventBatch(
    [property: Id(0)] string DeviceId,
    [property: Id(1)] DeviceEvent[] Events);
