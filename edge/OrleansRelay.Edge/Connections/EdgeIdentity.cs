using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model;
using OrleansRelay.Edge.Hosting;

namespace OrleansRelay.Edge.Connections;

/// <summary>
/// Creates this edge's observer reference once and keeps the observer strongly referenced for the life of the
/// process (Orleans holds it only weakly; a collected observer drops calls silently).
/// </summary>
internal sealed class EdgeIdentity
{
    private readonly EdgeObserver _observer;
    private readonly Lazy<EdgeRef> _reference;

    public EdgeIdentity(IGrainFactory grains, EdgeObserver observer, Microsoft.Extensions.Options.IOptions<EdgeOptions> options)
    {
        _observer = observer;
        EdgeId = options.Value.EdgeId ?? $"{Environment.MachineName}-{Guid.NewGuid().ToString("N")[..8]}";
        _reference = new Lazy<EdgeRef>(() => new EdgeRef(EdgeId, grains.CreateObjectReference<IEdgeObserver>(_observer)));
    }

    public string EdgeId { get; }

    public EdgeRef Reference => _reference.Value;
}
