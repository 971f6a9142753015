using Orleans.Concurrency;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model.Fleet;

namespace OrleansRelay.Silo.Fleet;

/// <summary>Reads the fleet index on whichever silo takes the call (see <see cref="IFleetGrain"/>).</summary>
[StatelessWorker]
internal sealed class FleetGrain : Grain, IFleetGrain
{
    private readonly IDeviceIndexStore _store;

    public FleetGrain(IDeviceIndexStore store)
    {
        _store = store;
    }

    public async ValueTask<FleetPage> ListDevices(FleetQuery query) => await _store.QueryAsync(query, CancellationToken.None);

    public async ValueTask<FleetStats> GetStats() => await _store.StatsAsync(CancellationToken.None);
}
