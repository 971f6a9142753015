using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using OrleansRelay.Edge.Accounts;
using OrleansRelay.Edge.DataPlane;
using OrleansRelay.Edge.Diagnostics;
using OrleansRelay.Edge.RateLimits;
using OrleansRelay.Wire;

namespace OrleansRelay.Edge.Http;

/// <summary><c>/v1/devices/{deviceId}/api/{**path}</c>: any method, forwarded to the device's local REST service at <c>/{path}</c>.</summary>
internal static partial class RelayEndpoints
{
    public const string RoutePrefix = "/v1/devices/{deviceId}/api";

    public static void MapRelay(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(RoutePrefix).RequireDeviceAccess().AddEndpointFilter<RouteGroupBuilder, RelayRateLimitFilter>();
        group.Map("/", RelayAsync);
        group.Map("/{**path}", RelayAsync);
    }

    private static async Task RelayAsync(HttpContext context, string deviceId, RelayRouter router, EdgeMetrics metrics, ILoggerFactory loggers)
    {
        var started = Stopwatch.GetTimestamp();
        var status = await RelayCoreAsync(context, deviceId, router, loggers);
        metrics.RelayCompleted(Stopwatch.GetElapsedTime(started), status);
    }

    private static async Task<int> RelayCoreAsync(HttpContext context, string deviceId, RelayRouter router, ILoggerFactory loggers)
    {
        if (!DeviceIds.IsValid(deviceId))
        {
            return await RelayResponses.WriteErrorAsync(context, StatusCodes.Status404NotFound, "Unknown device.");
        }

        var target = DeviceTarget(context, deviceId);
        if (DevicePathCheck.Problem(target) is { } problem)
        {
            Log.PathRefused(loggers.CreateLogger(typeof(RelayEndpoints)), deviceId, problem);
            return await RelayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, problem);
        }

        return await router.RelayAsync(context, deviceId, target);
    }

    /// <summary>
    /// The path and query on the device, taken from the raw target so the client's encoding is preserved (a raw target
    /// whose dot segments climb above the relay root never gets here: <see cref="RelayRootGuard"/>).
    /// </summary>
    private static string DeviceTarget(HttpContext context, string deviceId)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? string.Empty;
        var prefix = $"/v1/devices/{deviceId}/api";
        if (raw.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            var rest = raw[prefix.Length..];
            if (rest.Length == 0 || rest[0] == '?')
            {
                return "/" + rest;
            }

            if (rest[0] == '/' && !DevicePathCheck.HasDotSegments(rest))
            {
                return rest;
            }
        }

        // The raw target took another spelling (dot segments, encoded characters): use the normalized path instead.
        var path = context.Request.Path.ToUriComponent();
        var remainder = path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? path[prefix.Length..] : string.Empty;
        return (remainder.Length == 0 ? "/" : remainder) + context.Request.QueryString.ToUriComponent();
    }

    private static partial class Log
    {
        [LoggerMessage(3104, LogLevel.Information, "Relay to {DeviceId} refused: {Problem}")]
        public static partial void PathRefused(ILogger logger, string deviceId, string problem);
    }
}
