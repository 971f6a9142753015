using OrleansRelay.Contracts.Grains;

namespace OrleansRelay.Contracts.Model;

/// <summary>An edge host as the grains see it: a stable id for logs and status, and its one observer.</summary>
[GenerateSerializer, Immutable, Alias("OrleansRelay.EdgeRef")]
public sealed record EdgeRef(
    [property: Id(0)] string EdgeId,
    [property: Id(1)] IEdgeObserver Observer);
