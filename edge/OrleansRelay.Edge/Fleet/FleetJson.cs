using System.Text.Json.Serialization;
using OrleansRelay.Contracts.Model.Fleet;

namespace OrleansRelay.Edge.Fleet;

/// <summary>One page of <c>GET /v1/admin/devices</c>; <c>nextCursor</c> is null on the last page.</summary>
internal sealed record FleetPageJson(
    [property: JsonPropertyName("devices")] FleetDeviceJson[] Devices,
    [property: JsonPropertyName("nextCursor")] string? NextCursor);

/// <summary>A device of the fleet list.</summary>
internal sealed record FleetDeviceJson(
    [property: JsonPropertyName("deviceId")] string DeviceId,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("online")] bool Online,
    [property: JsonPropertyName("since")] DateTimeOffset Since,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("edgeId")] string? EdgeId,
    [property: JsonPropertyName("owner")] string? Owner,
    [property: JsonPropertyName("lastNotificationAt")] DateTimeOffset? LastNotificationAt)
{
    public static FleetDeviceJson From(FleetDevice d) => new(d.DeviceId, d.Name, d.Online, d.Since, d.Reason, d.EdgeId, d.Owner, d.LastNotificationAt);
}

/// <summary><c>GET /v1/admin/stats</c>.</summary>
internal sealed record FleetStatsJson(
    [property: JsonPropertyName("registered")] long Registered,
    [property: JsonPropertyName("online")] long Online,
    [property: JsonPropertyName("offline")] long Offline,
    [property: JsonPropertyName("offlineByReason")] SortedDictionary<string, long> OfflineByReason);

/// <summary><c>GET /v1/admin/devices/{deviceId}/events</c>: the newest events of the replay window, newest first.</summary>
internal sealed record DeviceEventsJson(
    [property: JsonPropertyName("events")] DeviceEventJson[] Events,
    [property: JsonPropertyName("lastId")] long LastId);

internal sealed record DeviceEventJson(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("data")] string Data,
    [property: JsonPropertyName("at")] DateTimeOffset At);

/// <summary><c>GET /v1/admin/metrics/relay</c>: the last 15 minutes, one point per interval, oldest first.</summary>
internal sealed record RelaySeriesJson(
    [property: JsonPropertyName("intervalSeconds")] double IntervalSeconds,
    [property: JsonPropertyName("points")] RelayPointJson[] Points);

internal sealed record RelayPointJson(
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("requestsPerSecond")] RequestRatesJson RequestsPerSecond,
    [property: JsonPropertyName("latencyP50Ms")] double LatencyP50Ms,
    [property: JsonPropertyName("latencyP99Ms")] double LatencyP99Ms,
    [property: JsonPropertyName("devicesOnline")] long DevicesOnline,
    [property: JsonPropertyName("notificationsPerSecond")] double NotificationsPerSecond,
    [property: JsonPropertyName("edges")] int Edges)
{
    public static RelayPointJson From(RelayMetricsPoint p) => new(
        p.At,
        new RequestRatesJson(Rate(p, 0), Rate(p, 1), Rate(p, 2), Rate(p, 3), Rate(p, 4)),
        Math.Round(p.P50Ms, 3),
        Math.Round(p.P99Ms, 3),
        p.DevicesOnline,
        Math.Round(p.NotificationsPerSecond, 3),
        p.Edges);

    private static double Rate(RelayMetricsPoint p, int statusClass) => p.RequestsPerSecond.Length > statusClass ? Math.Round(p.RequestsPerSecond[statusClass], 3) : 0;
}

internal sealed record RequestRatesJson(
    [property: JsonPropertyName("1xx")] double Informational,
    [property: JsonPropertyName("2xx")] double Success,
    [property: JsonPropertyName("3xx")] double Redirection,
    [property: JsonPropertyName("4xx")] double ClientError,
    [property: JsonPropertyName("5xx")] double ServerError);

[JsonSerializable(typeof(FleetPageJson))]
[JsonSerializable(typeof(FleetStatsJson))]
[JsonSerializable(typeof(DeviceEventsJson))]
[JsonSerializable(typeof(RelaySeriesJson))]
internal sealed partial class FleetJsonContext : JsonSerializerContext;
