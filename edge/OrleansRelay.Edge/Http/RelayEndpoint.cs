using System.Diagnostics;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansRelay.Edge.Accounts;
using OrleansRelay.Edge.DataPlane;
using OrleansRelay.Edge.Diagnostics;
using OrleansRelay.Edge.RateLimits;
using OrleansRelay.Wire;

namespace OrleansRelay.Edge.Http;

/// <summary>
/// <c>/v1/devices/{deviceId}/api/{**path}</c>: any method, forwarded to the device's local REST service at <c>/{path}</c>.
/// </summary>
/// <remarks>
/// The relay is the edge's hot path, so it takes a branch of its own ahead of endpoint routing and the client API's
/// middleware, and runs only the steps a relayed request needs, in the order the rest of the API applies them: the
/// relay's authentication scheme (not every scheme's request handler: OpenIddict's serves only <c>/v1/oauth</c> and
/// <c>/.well-known</c>), the per-address limit, 401 without credentials, 404 for a device the caller may not reach, the
/// per-user and per-device limits, then <see cref="RelayRouter"/>. Everything it needs is resolved once, not per request
/// (docs/performance.md has the profiles behind this).
/// </remarks>
internal static partial class RelayEndpoint
{
    private const string DevicesPrefix = "/v1/devices/";
    private const string ApiSegment = "/api";

    /// <summary>Sends relay requests down their own branch; everything else continues down the pipeline.</summary>
    public static void UseRelay(this WebApplication app)
    {
        var handler = ActivatorUtilities.CreateInstance<Handler>(app.Services);
        app.MapWhen(
            context => TryGetDeviceId(context.Request.Path, out _),
            branch =>
            {
                branch.Use(AuthenticateAsync);
                // The per-address limit of every /v1 request (the global limiter), after authentication as elsewhere:
                // operators are exempt, and requests refused for lack of credentials count toward their address's limit.
                branch.UseRateLimiter();
                branch.Run(handler.HandleAsync);
            });
    }

    /// <summary>The device id of a relay path (<c>/v1/devices/{id}/api</c> or below), without allocating when it is not one.</summary>
    internal static bool TryGetDeviceId(PathString path, out ReadOnlySpan<char> deviceId)
    {
        deviceId = default;
        var value = path.Value.AsSpan();
        if (!value.StartsWith(DevicesPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var rest = value[DevicesPrefix.Length..];
        var slash = rest.IndexOf('/');
        if (slash <= 0)
        {
            return false;
        }

        var after = rest[slash..];
        if (!after.StartsWith(ApiSegment, StringComparison.OrdinalIgnoreCase) || (after.Length > ApiSegment.Length && after[ApiSegment.Length] != '/'))
        {
            return false;
        }

        deviceId = rest[..slash];
        return true;
    }

    private static async Task AuthenticateAsync(HttpContext context, RequestDelegate next)
    {
        var result = await context.AuthenticateAsync(RelayClaims.Scheme);
        if (result.Succeeded)
        {
            context.User = result.Principal;
        }

        await next(context);
    }

    private sealed class Handler(RelayRouter router, DeviceAccess access, RelayRateLimits limits, EdgeMetrics metrics, ILoggerFactory loggers)
    {
        private readonly ILogger logger = loggers.CreateLogger(typeof(RelayEndpoint));

        public async Task HandleAsync(HttpContext context)
        {
            if (context.User.Identity?.IsAuthenticated != true)
            {
                await context.ChallengeAsync(RelayClaims.Scheme);
                return;
            }

            TryGetDeviceId(context.Request.Path, out var idSpan);
            var deviceId = idSpan.ToString();
            if (!await access.CanAccessAsync(context.User, deviceId))
            {
                await RelayResponses.WriteErrorAsync(context, StatusCodes.Status404NotFound, "Unknown device.");
                return;
            }

            if (!limits.TryAcquire(context.User, deviceId, out var limit, out var retryAfter))
            {
                metrics.LimitRejected(limit);
                Log.Limited(logger, deviceId, limit, context.Connection.RemoteIpAddress?.ToString());
                var message = limit == Limits.RateUser ? "Too many requests from this user; retry later." : "Too many requests to this device; retry later.";
                await RateLimitResponse.TooManyRequests(context, retryAfter, message).ExecuteAsync(context);
                return;
            }

            var started = Stopwatch.GetTimestamp();
            var status = await RelayCoreAsync(context, deviceId);
            metrics.RelayCompleted(Stopwatch.GetElapsedTime(started), status);
        }

        private async Task<int> RelayCoreAsync(HttpContext context, string deviceId)
        {
            if (!DeviceIds.IsValid(deviceId))
            {
                return await RelayResponses.WriteErrorAsync(context, StatusCodes.Status404NotFound, "Unknown device.");
            }

            var target = DeviceTarget(context, deviceId);
            if (DevicePathCheck.Problem(target) is { } problem)
            {
                Log.PathRefused(logger, deviceId, problem);
                return await RelayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, problem);
            }

            return await router.RelayAsync(context, deviceId, target, DeviceAccess.IsOperator(context.User) ? null : DeviceAccess.Email(context.User));
        }
    }

    /// <summary>
    /// The path and query on the device, taken from the raw target so the client's encoding is preserved (a raw target
    /// whose dot segments climb above the relay root never gets here: <see cref="RelayRootGuard"/>).
    /// </summary>
    private static string DeviceTarget(HttpContext context, string deviceId)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? string.Empty;
        var prefix = string.Concat(DevicesPrefix, deviceId, ApiSegment);
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

        [LoggerMessage(3200, LogLevel.Information, "Relay to {DeviceId} from {RemoteAddress} refused by the {Limit} rate limit")]
        public static partial void Limited(ILogger logger, string deviceId, string limit, string? remoteAddress);
    }
}
