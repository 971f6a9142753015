using OrleansRelay.Contracts.Grains;

namespace OrleansRelay.Contracts.Model;

/// <summary>
/// An edge host as the grains see it: a stable id for logs and status, its one observer, and the address of its
/// data-plane listener, where other edges forward requests for the devices it holds.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansRelay.EdgeRef")]
public sealed record EdgeRef(
    [property: Id(0)] string EdgeId,
    [property: Id(1)] IEdgeObserver Observer,
    [property: Id(2)] string? DataPlaneUrl = null,
    [property: Id(3)] string? DataPlaneUpgradeUrl = null);
