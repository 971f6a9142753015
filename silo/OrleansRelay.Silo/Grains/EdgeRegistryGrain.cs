using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model;

namespace OrleansRelay.Silo.Grains;

/// <summary>Leases of the live edges; see <see cref="IEdgeRegistryGrain"/>.</summary>
internal sealed class EdgeRegistryGrain : Grain, IEdgeRegistryGrain
{
    private readonly Dictionary<string, (EdgeRef Edge, DateTimeOffset Expires)> _edges = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public EdgeRegistryGrain(TimeProvider time)
    {
        _time = time;
    }

    public ValueTask Renew(EdgeRef edge, TimeSpan lease)
    {
        _edges[edge.EdgeId] = (edge, _time.GetUtcNow() + lease);
        return ValueTask.CompletedTask;
    }

    public ValueTask Remove(string edgeId)
    {
        _edges.Remove(edgeId);
        return ValueTask.CompletedTask;
    }

    public ValueTask<EdgeRef[]> GetLiveEdges()
    {
        var now = _time.GetUtcNow();
        foreach (var expired in _edges.Where(e => e.Value.Expires <= now).Select(e => e.Key).ToArray())
        {
            _edges.Remove(expired);
        }

        return ValueTask.FromResult(_edges.Values.Select(e => e.Edge).ToArray());
    }
}
