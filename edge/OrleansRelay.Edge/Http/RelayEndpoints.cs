using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Edge.Accounts;
using OrleansRelay.Contracts.Model;
using OrleansRelay.Edge.Diagnostics;
using OrleansRelay.Edge.Hosting;
using OrleansRelay.Edge.RateLimits;
using OrleansRelay.Wire;

namespace OrleansRelay.Edge.Http;

/// <summary><c>/v1/devices/{deviceId}/api/{**path}</c>: any method, forwarded to the device's local REST service at <c>/{path}</c>.</summary>
internal static partial class RelayEndpoints
{
    public const string RoutePrefix = "/v1/devices/{deviceId}/api";

    /// <summary>How much longer than <c>DeviceRequestTimeout</c> the edge waits for the cluster's answer before it answers 504 itself.</summary>
    internal static readonly TimeSpan ClusterCallGrace = TimeSpan.FromSeconds(5);

    public static void MapRelay(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(RoutePrefix).RequireDeviceAccess().AddEndpointFilter<RouteGroupBuilder, RelayRateLimitFilter>();
        group.Map("/", RelayAsync);
        group.Map("/{**path}", RelayAsync);
    }

    private static async Task RelayAsync(
        HttpContext context,
        string deviceId,
        DeviceGrainReferences grains,
        IOptions<EdgeOptions> options,
        EdgeMetrics metrics,
        ILoggerFactory loggers)
    {
        var started = Stopwatch.GetTimestamp();
        var logger = loggers.CreateLogger(typeof(RelayEndpoints));
        var settings = options.Value;
        var status = await RelayCoreAsync(context, deviceId, grains, settings, logger);
        metrics.RelayCompleted(Stopwatch.GetElapsedTime(started), status);
    }

    private static async Task<int> RelayCoreAsync(HttpContext context, string deviceId, DeviceGrainReferences grains, EdgeOptions settings, ILogger logger)
    {
        if (!DeviceIds.IsValid(deviceId))
        {
            return await WriteErrorAsync(context, StatusCodes.Status404NotFound, "Unknown device.");
        }

        var target = DeviceTarget(context, deviceId);
        if (DevicePathCheck.Problem(target) is { } problem)
        {
            Log.PathRefused(logger, deviceId, problem);
            return await WriteErrorAsync(context, StatusCodes.Status400BadRequest, problem);
        }

        var body = await RequestBodyReader.ReadAsync(context, settings.MaxBodyBytes);
        if (body is null)
        {
            Log.RequestTooLarge(logger, deviceId, settings.MaxBodyBytes);
            return await WriteErrorAsync(context, StatusCodes.Status413PayloadTooLarge, $"The request body exceeds the limit of {settings.MaxBodyBytes} bytes.");
        }

        var request = new RelayRequest(
            context.Request.Method,
            target,
            ForwardedHeaders(context),
            body,
            settings.DeviceRequestTimeout);

        RelayResponse response;
        try
        {
            // Bounded here too: the grain answers a device that is too slow itself, but a call in flight toward a
            // silo that was killed waited for Orleans' response timeout (30 s), past any client's patience
            // (bench/fault-injection.sh). The grace lets the grain's own timeout answer first when it can.
            response = await grains.Get(deviceId).Relay(request).AsTask().WaitAsync(settings.DeviceRequestTimeout + ClusterCallGrace, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            Log.ClientAborted(logger, deviceId);
            return StatusCodes.Status499ClientClosedRequest;
        }
        catch (OperationCanceledException ex)
        {
            // Orleans cancels a call whose target silo died: the cluster, not the client, gave up.
            Log.ClusterCallFailed(logger, deviceId, ex.GetType().Name, ex.Message);
            context.Response.Headers.RetryAfter = settings.OfflineRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return await WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, "The relay cluster is unavailable.");
        }
        catch (TimeoutException ex)
        {
            Log.ClusterCallFailed(logger, deviceId, ex.GetType().Name, ex.Message);
            return await WriteErrorAsync(context, StatusCodes.Status504GatewayTimeout, "The relay timed out.");
        }
        catch (OrleansException ex)
        {
            Log.ClusterCallFailed(logger, deviceId, ex.GetType().Name, ex.Message);
            context.Response.Headers.RetryAfter = settings.OfflineRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return await WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, "The relay cluster is unavailable.");
        }

        if (response.Error != RelayError.None)
        {
            var status = RelayErrors.StatusFor(response.Error);
            if (status == StatusCodes.Status503ServiceUnavailable)
            {
                context.Response.Headers.RetryAfter = settings.OfflineRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            Log.RelayFailed(logger, deviceId, response.Error, response.ErrorMessage);
            return await WriteErrorAsync(context, status, response.ErrorMessage ?? response.Error.ToString());
        }

        await WriteDeviceResponseAsync(context, response, settings);
        return response.Status;
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

    private static KeyValuePair<string, string>[] ForwardedHeaders(HttpContext context)
    {
        var headers = new List<KeyValuePair<string, string>>(context.Request.Headers.Count + 3);
        foreach (var (name, values) in context.Request.Headers)
        {
            if (IsRelayOnlyRequestHeader(name))
            {
                continue;
            }

            foreach (var value in values)
            {
                if (value is not null)
                {
                    headers.Add(new(name, value));
                }
            }
        }

        if (context.Connection.RemoteIpAddress is { } ip)
        {
            headers.Add(new("X-Forwarded-For", ip.ToString()));
        }

        headers.Add(new("X-Forwarded-Proto", context.Request.Scheme));
        if (context.Request.Host.HasValue)
        {
            headers.Add(new("X-Forwarded-Host", context.Request.Host.Value));
        }

        return [.. headers];
    }

    private static bool IsRelayOnlyRequestHeader(string name) =>
        HopByHopHeaders.Contains(name)
        || name.Equals("Host", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)
        || name.Equals(AdminKeyFilter.HeaderName, StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("X-Forwarded-", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Forwarded", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith(':');

    private static async Task WriteDeviceResponseAsync(HttpContext context, RelayResponse response, EdgeOptions settings)
    {
        var http = context.Response;
        http.StatusCode = response.Status;
        if (!string.IsNullOrEmpty(response.Reason))
        {
            context.Features.Get<IHttpResponseFeature>()!.ReasonPhrase = response.Reason;
        }

        foreach (var (name, value) in response.Headers)
        {
            if (DeviceResponseHeaders.IsRelayed(name, value, settings))
            {
                http.Headers.Append(name, value);
            }
        }

        DeviceResponseHeaders.AddSandbox(http.Headers, settings);

        var bodyAllowed = !HttpMethods.IsHead(context.Request.Method) && response.Status is not (204 or 304) && response.Status >= 200;
        if (bodyAllowed)
        {
            http.ContentLength = response.Body.Length;
            await http.Body.WriteAsync(response.Body, context.RequestAborted);
        }
        else if (HttpMethods.IsHead(context.Request.Method))
        {
            // Keep the device's Content-Length for HEAD: it describes the GET body.
            foreach (var (name, value) in response.Headers)
            {
                if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && long.TryParse(value, out var length))
                {
                    http.ContentLength = length;
                }
            }
        }
    }

    private static async Task<int> WriteErrorAsync(HttpContext context, int status, string message)
    {
        await RelayErrors.Json(status, message).ExecuteAsync(context);
        return status;
    }

    private static partial class Log
    {
        [LoggerMessage(3100, LogLevel.Information, "Relay to {DeviceId} refused: body over {Limit} bytes")]
        public static partial void RequestTooLarge(ILogger logger, string deviceId, long limit);

        [LoggerMessage(3101, LogLevel.Information, "Relay to {DeviceId} failed: {Error}: {Detail}")]
        public static partial void RelayFailed(ILogger logger, string deviceId, RelayError error, string? detail);

        [LoggerMessage(3102, LogLevel.Debug, "Client aborted its relay to {DeviceId}")]
        public static partial void ClientAborted(ILogger logger, string deviceId);

        [LoggerMessage(3104, LogLevel.Information, "Relay to {DeviceId} refused: {Problem}")]
        public static partial void PathRefused(ILogger logger, string deviceId, string problem);

        [LoggerMessage(3103, LogLevel.Warning, "Cluster call for {DeviceId} failed: {Exception}: {Detail}")]
        public static partial void ClusterCallFailed(ILogger logger, string deviceId, string exception, string detail);
    }
}
