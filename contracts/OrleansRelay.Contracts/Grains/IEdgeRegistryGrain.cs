using OrleansRelay.Contracts.Model;

namespace OrleansRelay.Contracts.Grains;

/// <summary>
/// The live edges of the cluster (one grain, key <see cref="Key"/>): each edge renews a short lease here, so a device
/// grain that comes back empty after a silo loss can ask the live edges which of them holds its socket.
/// State is volatile on purpose: edges renew every second or two, so a re-activated registry is full again at once.
/// Silos poll it to answer quickly for devices whose edge died (an edge whose lease ran out is lost).
/// </summary>
[Alias("OrleansRelay.IEdgeRegistryGrain")]
public interface IEdgeRegistryGrain : IGrainWithStringKey
{
    /// <summary>The registry's grain key.</summary>
    public const string Key = "edges";

    /// <summary>Renews the edge's lease for <paramref name="lease"/>.</summary>
    [Alias("Renew")]
    ValueTask Renew(EdgeRef edge, TimeSpan lease);

    /// <summary>Drops the edge's lease (graceful shutdown).</summary>
    [Alias("Remove")]
    ValueTask Remove(string edgeId);

    /// <summary>The edges whose lease has not expired.</summary>
    [Alias("GetLiveEdges")]
    ValueTask<EdgeRef[]> GetLiveEdges();

    /// <summary>The edges whose lease has not expired, and whether absence from that list means an edge is lost.</summary>
    [Alias("GetSnapshot")]
    ValueTask<EdgeRegistrySnapshot> GetSnapshot();
}
