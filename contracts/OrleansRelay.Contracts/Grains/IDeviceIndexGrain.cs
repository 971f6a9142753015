using OrleansRelay.Contracts.Model.Fleet;

namespace OrleansRelay.Contracts.Grains;

/// <summary>
/// The fleet index held in memory (storage <c>Memory</c>; with MySQL the index is a table instead): one grain, key 0,
/// that the silos' index writers send their batches to. Volatile like the memory storage it goes with.
/// </summary>
[Alias("OrleansRelay.IDeviceIndexGrain")]
public interface IDeviceIndexGrain : IGrainWithIntegerKey
{
    /// <summary>Applies entries (each only if newer than what the index holds for its device).</summary>
    [Alias("Apply")]
    ValueTask Apply(DeviceIndexEntry[] entries);

    /// <summary>One page of devices in id order.</summary>
    [Alias("Query")]
    ValueTask<FleetPage> Query(FleetQuery query);

    /// <summary>Totals.</summary>
    [Alias("GetStats")]
    ValueTask<FleetStats> GetStats();

    /// <summary>Online devices whose row was last written before <paramref name="before"/> or whose edge is not in <paramref name="liveEdges"/>.</summary>
    [Alias("FindSuspects")]
    ValueTask<string[]> FindSuspects(DateTimeOffset before, string[] liveEdges, int max);
}
