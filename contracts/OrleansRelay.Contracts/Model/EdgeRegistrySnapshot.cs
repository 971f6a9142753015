namespace OrleansRelay.Contracts.Model;

/// <summary>
/// The edges holding a lease, and whether the list is complete: a registry activation younger than the longest lease
/// it has granted may not have heard from every live edge yet, so absence from an incomplete list proves nothing.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansRelay.EdgeRegistrySnapshot")]
public sealed record EdgeRegistrySnapshot(
    [property: Id(0)] EdgeRef[] Live,
    [property: Id(1)] bool Complete);
