namespace OrleansRelay.Contracts.Model;

/// <summary>What operators see of one device.</summary>
[GenerateSerializer, Immutable, Alias("OrleansRelay.DeviceStatus")]
public sealed record DeviceStatus(
    [property: Id(0)] string DeviceId,
    [property: Id(1)] bool Registered,
    [property: Id(2)] string? Name,
    [property: Id(3)] bool Online,
    [property: Id(4)] string? EdgeId,
    [property: Id(5)] long? Epoch,
    [property: Id(6)] DateTimeOffset? ConnectedAt,
    [property: Id(7)] string? InfoJson,
    [property: Id(8)] DateTimeOffset? RegisteredAt);
