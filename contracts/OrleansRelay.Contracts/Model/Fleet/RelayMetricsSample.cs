namespace OrleansRelay.Contracts.Model.Fleet;

/// <summary>One edge's relay figures over one sampling interval ending at <see cref="At"/>.</summary>
/// <param name="EdgeId">The edge.</param>
/// <param name="At">End of the interval.</param>
/// <param name="Seconds">Length of the interval.</param>
/// <param name="Requests">Relayed requests completed, by status class: [1xx, 2xx, 3xx, 4xx, 5xx].</param>
/// <param name="P50Ms">Median relay latency in the interval (0 without requests).</param>
/// <param name="P99Ms">99th percentile relay latency in the interval.</param>
/// <param name="DevicesOnline">Device sessions the edge holds at <see cref="At"/>.</param>
/// <param name="Notifications">Notifications the edge received from devices in the interval.</param>
[GenerateSerializer, Immutable, Alias("OrleansRelay.RelayMetricsSample")]
public sealed record RelayMetricsSample(
    [property: Id(0)] string EdgeId,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] double Seconds,
    [property: Id(3)] long[] Requests,
    [property: Id(4)] double P50Ms,
    [property: Id(5)] double P99Ms,
    [property: Id(6)] long DevicesOnline,
    [property: Id(7)] long Notifications);
