using OrleansRelay.Contracts.Model.Fleet;

namespace OrleansRelay.Contracts.Grains;

/// <summary>
/// Reads the fleet index for operators (a stateless worker on every silo: reads go to the index's store, never to
/// the device grains). Use key 0.
/// </summary>
[Alias("OrleansRelay.IFleetGrain")]
public interface IFleetGrain : IGrainWithIntegerKey
{
    /// <summary>One page of devices in id order.</summary>
    [Alias("ListDevices")]
    ValueTask<FleetPage> ListDevices(FleetQuery query);

    /// <summary>Totals.</summary>
    [Alias("GetStats")]
    ValueTask<FleetStats> GetStats();
}
