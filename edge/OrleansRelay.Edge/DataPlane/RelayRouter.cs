using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRelay.Contracts.Model;
using OrleansRelay.Edge.Connections;
using OrleansRelay.Edge.Hosting;
using OrleansRelay.Edge.Http;
using Yarp.ReverseProxy.Forwarder;

namespace OrleansRelay.Edge.DataPlane;

/// <summary>
/// Where a client's request for a device goes, on the edge the client called. The device's socket is here: straight
/// into it, no cluster call. Otherwise the device grain's route (kept in <see cref="DeviceRoutes"/>) names the edge
/// that holds it, and the request is forwarded there over the data plane. A route found stale is dropped and asked for
/// again; a request that can be resent (no body read yet) is resent once.
/// </summary>
internal sealed partial class RelayRouter
{
    private readonly DeviceSessionRegistry _sessions;
    private readonly DeviceRoutes _routes;
    private readonly EdgeIdentity _identity;
    private readonly LocalRelay _local;
    private readonly IHttpForwarder _forwarder;
    private readonly PeerEdgeClient _peers;
    private readonly DataPlaneKey _key;
    private readonly EdgeOptions _options;
    private readonly ILogger<RelayRouter> _logger;

    public RelayRouter(
        DeviceSessionRegistry sessions,
        DeviceRoutes routes,
        EdgeIdentity identity,
        LocalRelay local,
        IHttpForwarder forwarder,
        PeerEdgeClient peers,
        DataPlaneKey key,
        IOptions<EdgeOptions> options,
        ILogger<RelayRouter> logger)
    {
        _sessions = sessions;
        _routes = routes;
        _identity = identity;
        _local = local;
        _forwarder = forwarder;
        _peers = peers;
        _key = key;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>
    /// Relays the client's request for <paramref name="deviceId"/> to <paramref name="target"/> on the device. Returns the
    /// status. <paramref name="user"/> is the address of the user the request acts for (null: an operator): the session
    /// that serves it must be that user's device, judged by the route of that very session (owner and epoch come
    /// together), so a device that changed hands is never reached through an access decision made for its last session.
    /// </summary>
    public async Task<int> RelayAsync(HttpContext context, string deviceId, string target, string? user)
    {
        for (var attempt = 0; ; attempt++)
        {
            var local = _sessions.TryGet(deviceId, out var connection) && !connection.IsClosing;
            if (local && user is null)
            {
                return await ServeLocallyAsync(context, connection!, target);
            }

            DeviceRoute route;
            try
            {
                route = await ResolveAsync(context, deviceId);
                if (local && route.Epoch != connection!.Epoch)
                {
                    // Learned before this session began: the session here is newer, ask for its route.
                    _routes.Forget(deviceId, route);
                    route = await ResolveAsync(context, deviceId);
                }
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                return StatusCodes.Status499ClientClosedRequest;
            }
            catch (Exception ex) when (ClusterFailure.Is(ex) || ex is TimeoutException)
            {
                Log.ClusterCallFailed(_logger, deviceId, ex.GetType().Name, ex.Message);
                return await UnavailableAsync(context, "The relay cluster is unavailable.");
            }

            if (!route.Registered || (user is not null && !string.Equals(route.Owner, user, StringComparison.Ordinal)))
            {
                return await RelayResponses.WriteErrorAsync(context, StatusCodes.Status404NotFound, "Unknown device.");
            }

            if (local && route.Epoch == connection!.Epoch)
            {
                return await ServeLocallyAsync(context, connection, target);
            }

            if (!route.Online || route.DataPlaneUrl is null)
            {
                return await UnavailableAsync(context, "The device is offline.");
            }

            if (route.EdgeId == _identity.EdgeId)
            {
                // The grain names this edge, but the session here ended (its disconnect is on the way) or is closing.
                _routes.Forget(deviceId, route);
                return await UnavailableAsync(context, "The device's session on this edge has ended.");
            }

            var outcome = await ForwardAsync(context, deviceId, route, target);
            if (outcome is { } status)
            {
                return status;
            }

            _routes.Forget(deviceId, route);
            if (attempt > 0 || !CanResend(context))
            {
                return await UnavailableAsync(context, "The device's session moved or ended while the request was on its way; try again.");
            }
        }
    }

    private Task<int> ServeLocallyAsync(HttpContext context, DeviceConnection connection, string target) =>
        _local.ServeAsync(context, connection, target, RelayHeaders.FromClient(context, LocalRelay.IsUpgrade(context)));

    private ValueTask<DeviceRoute> ResolveAsync(HttpContext context, string deviceId)
    {
        var lookup = _routes.ResolveAsync(deviceId);
        return lookup.IsCompletedSuccessfully
            ? lookup
            : new ValueTask<DeviceRoute>(lookup.AsTask().WaitAsync(RouteLookupTimeout, context.RequestAborted));
    }

    /// <summary>How long a route lookup may take before the client is answered 503 (a call toward a silo just killed otherwise waits 30 s).</summary>
    private static readonly TimeSpan RouteLookupTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Forwards to the owning edge. Null: the route was stale or its edge unreachable, and nothing reached the client.</summary>
    private async Task<int?> ForwardAsync(HttpContext context, string deviceId, DeviceRoute route, string target)
    {
        var upgrade = LocalRelay.IsUpgrade(context);
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            // The owning edge applies Edge:MaxBodyBytes as the body streams through; Kestrel's 30 MB default must not cut in here.
            sizeFeature.MaxRequestBodySize = null;
        }

        if (context.Request.ContentLength > _options.MaxBodyBytes)
        {
            return await RelayResponses.WriteErrorAsync(context, StatusCodes.Status413PayloadTooLarge, $"The request body exceeds the limit of {_options.MaxBodyBytes} bytes.");
        }

        var transformer = new PeerEdgeTransformer(DataPlaneEndpoint.Target(deviceId, route.Epoch, target), _key.Value);
        var destination = upgrade ? route.DataPlaneUpgradeUrl ?? route.DataPlaneUrl! : route.DataPlaneUrl!;
        var error = await _forwarder.SendAsync(context, destination, _peers.Invoker, upgrade ? _peers.Upgrades : _peers.Requests, transformer);
        if (transformer.Stale)
        {
            Log.StaleRoute(_logger, deviceId, route.EdgeId!, route.Epoch);
            context.Response.Clear();
            return null;
        }

        if (error == ForwarderError.None)
        {
            return context.Response.StatusCode;
        }

        if (context.Response.HasStarted)
        {
            // YARP aborted the client's response: it must not look complete.
            Log.PeerStreamBroken(_logger, deviceId, route.EdgeId!, error);
            return context.Response.StatusCode;
        }

        switch (error)
        {
            case ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.UpgradeRequestCanceled:
                return StatusCodes.Status499ClientClosedRequest;
            case ForwarderError.RequestBodyClient or ForwarderError.UpgradeRequestClient:
                return context.Response.StatusCode;
            case ForwarderError.RequestTimedOut:
                context.Response.Clear();
                return await RelayResponses.WriteErrorAsync(context, StatusCodes.Status504GatewayTimeout, "The relay timed out.");
            default:
                // The owning edge could not be reached (it died, or is cut off): its lease will run out and the device
                // reconnect elsewhere; ask the grain again.
                Log.PeerUnreachable(_logger, deviceId, route.EdgeId!, error);
                context.Response.Clear();
                return null;
        }
    }

    private static bool CanResend(HttpContext context) =>
        context.Request.ContentLength is null or 0 && !context.Request.Headers.TransferEncoding.Any(v => v is not null);

    private async Task<int> UnavailableAsync(HttpContext context, string message)
    {
        context.Response.Headers.RetryAfter = _options.OfflineRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return await RelayResponses.WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, message);
    }

    private static partial class Log
    {
        [LoggerMessage(3103, LogLevel.Warning, "Cluster call for {DeviceId} failed: {Exception}: {Detail}")]
        public static partial void ClusterCallFailed(ILogger logger, string deviceId, string exception, string detail);

        [LoggerMessage(3110, LogLevel.Information, "Route of {DeviceId} to edge {EdgeId} epoch {Epoch} was stale; asking the grain again")]
        public static partial void StaleRoute(ILogger logger, string deviceId, string edgeId, long epoch);

        [LoggerMessage(3111, LogLevel.Warning, "Edge {EdgeId} holding {DeviceId} unreachable on the data plane ({Error})")]
        public static partial void PeerUnreachable(ILogger logger, string deviceId, string edgeId, ForwarderError error);

        [LoggerMessage(3112, LogLevel.Warning, "Relay of {DeviceId} through edge {EdgeId} broke off mid-response ({Error}); client response aborted")]
        public static partial void PeerStreamBroken(ILogger logger, string deviceId, string edgeId, ForwarderError error);
    }
}
