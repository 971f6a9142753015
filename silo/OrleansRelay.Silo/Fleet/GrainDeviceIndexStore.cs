using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model.Fleet;

namespace OrleansRelay.Silo.Fleet;

/// <summary>The index store of storage <c>Memory</c>: the one <see cref="IDeviceIndexGrain"/>.</summary>
internal sealed class GrainDeviceIndexStore : IDeviceIndexStore
{
    private readonly IGrainFactory _grains;

    public GrainDeviceIndexStore(IGrainFactory grains)
    {
        _grains = grains;
    }

    private IDeviceIndexGrain Index => _grains.GetGrain<IDeviceIndexGrain>(0);

    public Task ApplyAsync(IReadOnlyList<DeviceIndexEntry> entries, CancellationToken cancellationToken) => Index.Apply([.. entries]).AsTask();

    public Task<FleetPage> QueryAsync(FleetQuery query, CancellationToken cancellationToken) => Index.Query(query).AsTask();

    public Task<FleetStats> StatsAsync(CancellationToken cancellationToken) => Index.GetStats().AsTask();

    public Task<string[]> FindSuspectsAsync(DateTimeOffset before, IReadOnlyCollection<string>? liveEdges, int max, CancellationToken cancellationToken) =>
        Index.FindSuspects(before, liveEdges is null ? [DeviceIndexGrain.AnyEdge] : [.. liveEdges], max).AsTask();
}
