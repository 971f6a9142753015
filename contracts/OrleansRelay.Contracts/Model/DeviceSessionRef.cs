namespace OrleansRelay.Contracts.Model;

/// <summary>A live device session as an edge re-announces it to the grain (after a silo loss or periodically).</summary>
[GenerateSerializer, Immutable, Alias("OrleansRelay.DeviceSessionRef")]
public sealed record DeviceSessionRef(
    [property: Id(0)] long Epoch,
    [property: Id(1)] EdgeRef Edge,
    [property: Id(2)] DateTimeOffset ConnectedAt);
