namespace OrleansRelay.Contracts.Model.Fleet;

/// <summary>One page of the fleet index and whether more follow (then the last device's id is the next cursor).</summary>
[GenerateSerializer, Immutable, Alias("OrleansRelay.FleetPage")]
public sealed record FleetPage(
    [property: Id(0)] FleetDevice[] Devices,
    [property: Id(1)] bool More);
