using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using OrleansRelay.Edge.Diagnostics;

namespace OrleansRelay.Edge.RateLimits;

/// <summary>Applies <see cref="RelayRateLimits"/> to a device's relayed requests; runs after the device access filter.</summary>
internal sealed partial class RelayRateLimitFilter : IEndpointFilter
{
    private readonly RelayRateLimits _limits;
    private readonly EdgeMetrics _metrics;
    private readonly ILogger<RelayRateLimitFilter> _logger;

    public RelayRateLimitFilter(RelayRateLimits limits, EdgeMetrics metrics, ILogger<RelayRateLimitFilter> logger)
    {
        _limits = limits;
        _metrics = metrics;
        _logger = logger;
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var deviceId = http.GetRouteValue("deviceId") as string ?? string.Empty;
        if (_limits.TryAcquire(http.User, deviceId, out var limit, out var retryAfter))
        {
            return await next(context);
        }

        _metrics.LimitRejected(limit);
        Log.Limited(_logger, deviceId, limit, http.Connection.RemoteIpAddress?.ToString());
        return RateLimitResponse.TooManyRequests(
            http,
            retryAfter,
            limit == Limits.RateUser ? "Too many requests from this user; retry later." : "Too many requests to this device; retry later.");
    }

    private static partial class Log
    {
        [LoggerMessage(3200, LogLevel.Information, "Relay to {DeviceId} from {RemoteAddress} refused by the {Limit} rate limit")]
        public static partial void Limited(ILogger logger, string deviceId, string limit, string? remoteAddress);
    }
}
