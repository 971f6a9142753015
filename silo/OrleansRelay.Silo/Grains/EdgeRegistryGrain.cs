using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model;

namespace OrleansRelay.Silo.Grains;

/// <summary>Leases of the live edges; see <see cref="IEdgeRegistryGrain"/>.</summary>
internal sealed class EdgeRegistryGrain : Grain, IEdgeRegistryGrain
{
    /// <summary>
    /// The shortest time this activation must have lived before its list is complete: the edges' default lease. Edges
    /// with longer leases extend it once they have renewed here.
    /// </summary>
    private static readonly TimeSpan AssumedLease = TimeSpan.FromSeconds(3);

    private readonly Dictionary<string, (EdgeRef Edge, DateTimeOffset Expires)> _edges = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _activatedAt;
    private TimeSpan _longestLease = TimeSpan.Zero;

    public EdgeRegistryGrain(TimeProvider time)
    {
        _time = time;
        _activatedAt = time.GetUtcNow();
    }

    public ValueTask Renew(EdgeRef edge, TimeSpan lease)
    {
        _edges[edge.EdgeId] = (edge, _time.GetUtcNow() + lease);
        _longestLease = lease > _longestLease ? lease : _longestLease;
        return ValueTask.CompletedTask;
    }

    public ValueTask Remove(string edgeId)
    {
        _edges.Remove(edgeId);
        return ValueTask.CompletedTask;
    }

    public ValueTask<EdgeRef[]> GetLiveEdges() => ValueTask.FromResult(Live());

    public ValueTask<EdgeRegistrySnapshot> GetSnapshot()
    {
        // Complete once this activation has lived through a whole lease: every live edge has renewed since.
        var heardFromEveryone = _time.GetUtcNow() - _activatedAt >= (_longestLease > AssumedLease ? _longestLease : AssumedLease);
        return ValueTask.FromResult(new EdgeRegistrySnapshot(Live(), heardFromEveryone));
    }

    private EdgeRef[] Live()
    {
        var now = _time.GetUtcNow();
        foreach (var expired in _edges.Where(e => e.Value.Expires <= now).Select(e => e.Key).ToArray())
        {
            _edges.Remove(expired);
        }

        return _edges.Values.Select(e => e.Edge).ToArray();
    }
}
