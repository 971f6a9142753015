namespace OrleansRelay.Contracts.Model.Fleet;

/// <summary>Fleet totals from the index: registered devices, online ones, and the offline ones by last presence reason.</summary>
[GenerateSerializer, Immutable, Alias("OrleansRelay.FleetStats")]
public sealed record FleetStats(
    [property: Id(0)] long Registered,
    [property: Id(1)] long Online,
    [property: Id(2)] IReadOnlyDictionary<string, long> OfflineByReason);
