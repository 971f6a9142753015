using System.Buffers.Text;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model.Fleet;
using OrleansRelay.Edge.Accounts;
using OrleansRelay.Edge.Http;
using OrleansRelay.Wire;

namespace OrleansRelay.Edge.Fleet;

/// <summary>
/// The operator's fleet API (admin key): the device list and totals from the fleet index, a device's recent events,
/// and the relay's figures of the last 15 minutes for the dashboard's charts.
/// </summary>
internal static partial class FleetEndpoints
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;
    public const int MaxPrefixLength = 200;

    public static void MapFleet(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/v1/admin")
            .AddEndpointFilter<AdminKeyFilter>()
            .AddEndpointFilter<RegistryUnavailableFilter>();
        admin.MapGet("/devices", ListAsync)
            .WithSummary("Lists devices from the fleet index, in id order, a page per keyset cursor (operator).")
            .Produces<FleetPageJson>();
        admin.MapGet("/stats", StatsAsync)
            .WithSummary("Fleet totals: registered, online, offline by last presence reason (operator).")
            .Produces<FleetStatsJson>();
        admin.MapGet("/devices/{deviceId}/events", EventsAsync)
            .WithSummary("A device's newest events from its replay window, newest first (operator).")
            .Produces<DeviceEventsJson>();
        admin.MapGet("/metrics/relay", SeriesAsync)
            .WithSummary("The relay's figures of the last 15 minutes, summed over the edges, one point per 5 s (operator).")
            .Produces<RelaySeriesJson>();
        // The same window for a device's owner (the dashboard's device page for users).
        routes.MapGet("/v1/devices/{deviceId}/events/recent", EventsAsync)
            .RequireDeviceAccess()
            .AddEndpointFilter<RegistryUnavailableFilter>()
            .WithSummary("The newest events of one of the caller's devices from its replay window, newest first (user or operator).")
            .Produces<DeviceEventsJson>();
    }

    private static async Task<IResult> ListAsync(HttpContext context, IGrainFactory grains, ILoggerFactory loggers, string? status = null, string? q = null, string? cursor = null, string? limit = null)
    {
        var logger = loggers.CreateLogger(typeof(FleetEndpoints).FullName!);
        bool? online = status switch
        {
            null or "" => null,
            "online" => true,
            "offline" => false,
            _ => null,
        };
        if (status is { Length: > 0 } && status is not ("online" or "offline"))
        {
            return BadRequest(logger, context, "status must be 'online' or 'offline'.");
        }

        var count = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxLimit))
        {
            return BadRequest(logger, context, $"limit must be a whole number from 1 to {MaxLimit}.");
        }

        if (q is { Length: > MaxPrefixLength })
        {
            return BadRequest(logger, context, $"q must be at most {MaxPrefixLength} characters.");
        }

        string? after = null;
        if (cursor is { Length: > 0 } && (after = DecodeCursor(cursor)) is null)
        {
            return BadRequest(logger, context, "cursor is not one this API returned.");
        }

        var page = await grains.GetGrain<IFleetGrain>(0).ListDevices(new FleetQuery(online, string.IsNullOrWhiteSpace(q) ? null : q.Trim(), after, count));
        var next = page.More && page.Devices.Length > 0 ? EncodeCursor(page.Devices[^1].DeviceId) : null;
        return Results.Json(new FleetPageJson([.. page.Devices.Select(FleetDeviceJson.From)], next), FleetJsonContext.Default.FleetPageJson);
    }

    private static async Task<IResult> StatsAsync(IGrainFactory grains)
    {
        var stats = await grains.GetGrain<IFleetGrain>(0).GetStats();
        return Results.Json(
            new FleetStatsJson(stats.Registered, stats.Online, stats.Registered - stats.Online, new SortedDictionary<string, long>(stats.OfflineByReason.ToDictionary(), StringComparer.Ordinal)),
            FleetJsonContext.Default.FleetStatsJson);
    }

    private static async Task<IResult> EventsAsync(string deviceId, IGrainFactory grains, int? limit = null)
    {
        var grain = DeviceIds.IsValid(deviceId) ? grains.GetGrain<IDeviceGrain>(deviceId) : null;
        if (grain is null || !(await grain.GetStatus()).Registered)
        {
            return RelayErrors.Json(StatusCodes.Status404NotFound, "Unknown device.");
        }

        var count = Math.Clamp(limit ?? 50, 1, 1000);
        var position = await grain.GetEvents(-1, 1);
        var page = await grain.GetEvents(Math.Max(0, position.LastId - count), count);
        return Results.Json(
            new DeviceEventsJson([.. page.Events.Reverse().Select(e => new DeviceEventJson(e.Id, e.Kind, e.Data, e.At))], page.LastId),
            FleetJsonContext.Default.DeviceEventsJson);
    }

    private static async Task<IResult> SeriesAsync(IGrainFactory grains)
    {
        var points = await grains.GetGrain<IRelayMetricsGrain>(0).GetSeries();
        return Results.Json(
            new RelaySeriesJson(RelayMetricsSampler.Interval.TotalSeconds, [.. points.Select(RelayPointJson.From)]),
            FleetJsonContext.Default.RelaySeriesJson);
    }

    private static IResult BadRequest(ILogger logger, HttpContext context, string message)
    {
        Log.BadQuery(logger, context.Request.QueryString.Value ?? "", message);
        return RelayErrors.Json(StatusCodes.Status400BadRequest, message);
    }

    /// <summary>The cursor is the page's last device id, base64url: opaque to callers, stable while devices come and go.</summary>
    public static string EncodeCursor(string deviceId) => Base64Url.EncodeToString(Encoding.ASCII.GetBytes(deviceId));

    public static string? DecodeCursor(string cursor)
    {
        try
        {
            var id = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(cursor));
            return DeviceIds.IsValid(id) ? id : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(3450, LogLevel.Information, "Fleet list refused: {Message} (query {Query})")]
        public static partial void BadQuery(ILogger logger, string query, string message);
    }
}
