namespace OrleansRelay.Contracts.Model.Fleet;

/// <summary>
/// The relay's figures over one interval, summed over the edges that reported in it. Latency: the median is the
/// request-weighted mean of the edges' medians, the 99th percentile the largest edge's (exact with one edge).
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansRelay.RelayMetricsPoint")]
public sealed record RelayMetricsPoint(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] double[] RequestsPerSecond,
    [property: Id(2)] double P50Ms,
    [property: Id(3)] double P99Ms,
    [property: Id(4)] long DevicesOnline,
    [property: Id(5)] double NotificationsPerSecond,
    [property: Id(6)] int Edges);
