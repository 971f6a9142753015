using OrleansRelay.Contracts.Model.Fleet;

namespace OrleansRelay.Contracts.Grains;

/// <summary>
/// The last 15 minutes of the relay's figures for the dashboard's charts: every edge reports a sample per interval,
/// the grain sums them per interval. Volatile (one grain, key 0): Prometheus scraping the edges is the long-term store.
/// </summary>
[Alias("OrleansRelay.IRelayMetricsGrain")]
public interface IRelayMetricsGrain : IGrainWithIntegerKey
{
    /// <summary>Adds one edge's sample.</summary>
    [Alias("Record")]
    ValueTask Record(RelayMetricsSample sample);

    /// <summary>The points of the last 15 minutes, oldest first.</summary>
    [Alias("GetSeries")]
    ValueTask<RelayMetricsPoint[]> GetSeries();
}
