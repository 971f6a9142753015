using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model.Fleet;

namespace OrleansRelay.Silo.Fleet;

/// <summary>The in-memory fleet index (storage <c>Memory</c>), see <see cref="IDeviceIndexGrain"/>.</summary>
internal sealed class DeviceIndexGrain : Grain, IDeviceIndexGrain
{
    private readonly MemoryDeviceIndex _index = new();
    private readonly TimeProvider _time;

    public DeviceIndexGrain(TimeProvider time)
    {
        _time = time;
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // The index is the only copy: never collected for idleness.
        DelayDeactivation(TimeSpan.FromDays(3650));
        return Task.CompletedTask;
    }

    public ValueTask Apply(DeviceIndexEntry[] entries)
    {
        var now = _time.GetUtcNow();
        foreach (var entry in entries)
        {
            _index.Apply(entry, now);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<FleetPage> Query(FleetQuery query) => ValueTask.FromResult(_index.Query(query));

    public ValueTask<FleetStats> GetStats() => ValueTask.FromResult(_index.Stats());

    public ValueTask<string[]> FindSuspects(DateTimeOffset before, string[] liveEdges, int max) =>
        ValueTask.FromResult(_index.FindSuspects(before, liveEdges.Length == 1 && liveEdges[0] == AnyEdge ? null : new HashSet<string>(liveEdges, StringComparer.Ordinal), max));

    /// <summary>Passed alone as the live edges: do not judge by edge (the registry's view was incomplete).</summary>
    public const string AnyEdge = "*";
}
