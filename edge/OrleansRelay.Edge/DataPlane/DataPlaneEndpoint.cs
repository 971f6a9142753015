using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansRelay.Edge.Connections;
using OrleansRelay.Edge.Hosting;
using OrleansRelay.Edge.Http;
using OrleansRelay.Wire;

namespace OrleansRelay.Edge.DataPlane;

/// <summary>
/// The data-plane listener's one route, <c>/_relay/{deviceId}/{epoch}{target}</c>: a peer edge forwards a client's
/// request for a device this edge holds. It runs before (and instead of) the client pipeline: the peer already
/// authenticated and authorized the client, so no middleware runs here but the key check. A request for a session
/// this edge does not hold under that epoch is answered <c>421</c> with <c>X-Relay-Route: stale</c>, never by another
/// session: the peer asks the grain for the current route.
/// </summary>
internal static partial class DataPlaneEndpoint
{
    public const string Prefix = "/_relay/";

    /// <summary>Routes requests that arrive on the data-plane port to <see cref="HandleAsync"/>, ahead of everything else.</summary>
    public static void UseDataPlane(this WebApplication app)
    {
        var services = app.Services;
        var endpoints = services.GetRequiredService<EdgeEndpoints>();
        // Resolved once: this runs for every request a peer edge forwards.
        var key = services.GetRequiredService<DataPlaneKey>();
        var registry = services.GetRequiredService<DeviceSessionRegistry>();
        var relay = services.GetRequiredService<LocalRelay>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DataPlaneEndpoint));
        app.MapWhen(
            context => endpoints.IsDataPlanePort(context.Connection.LocalPort),
            branch => branch.Run(context => HandleAsync(context, key, registry, relay, logger)));
    }

    private static async Task HandleAsync(HttpContext context, DataPlaneKey key, DeviceSessionRegistry registry, LocalRelay relay, ILogger logger)
    {
        if (!key.Accepts(context.Request.Headers[RelayHeaders.EdgeKey]))
        {
            Log.KeyRefused(logger, context.Connection.RemoteIpAddress?.ToString());
            await RelayResponses.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized");
            return;
        }

        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? string.Empty;
        if (!TryParse(raw, out var deviceId, out var epoch, out var target))
        {
            await RelayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "Not a data-plane target.");
            return;
        }

        if (!registry.TryGet(deviceId, out var connection) || connection.Epoch != epoch || connection.IsClosing)
        {
            Log.StaleRoute(logger, deviceId, epoch, connection?.Epoch);
            context.Response.Headers[RelayHeaders.RouteStatus] = "stale";
            await RelayResponses.WriteErrorAsync(context, StatusCodes.Status421MisdirectedRequest, "This edge holds no session of the device under that epoch.");
            return;
        }

        await relay.ServeAsync(context, connection, target, RelayHeaders.FromPeerEdge(context, LocalRelay.IsUpgrade(context)));
    }

    /// <summary>Builds the data-plane target for a device request (the device target is already in origin form).</summary>
    public static string Target(string deviceId, long epoch, string deviceTarget) =>
        string.Concat(Prefix, deviceId, "/", epoch.ToString(CultureInfo.InvariantCulture), deviceTarget);

    private static bool TryParse(string raw, out string deviceId, out long epoch, out string target)
    {
        deviceId = string.Empty;
        epoch = 0;
        target = string.Empty;
        if (!raw.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = raw.AsSpan(Prefix.Length);
        var slash = rest.IndexOf('/');
        if (slash <= 0)
        {
            return false;
        }

        var id = rest[..slash].ToString();
        rest = rest[(slash + 1)..];
        var end = rest.IndexOfAny('/', '?');
        var epochText = end < 0 ? rest : rest[..end];
        if (!DeviceIds.IsValid(id) || !long.TryParse(epochText, NumberStyles.None, CultureInfo.InvariantCulture, out epoch))
        {
            return false;
        }

        var remainder = end < 0 ? string.Empty : rest[end..].ToString();
        deviceId = id;
        target = remainder.Length == 0 ? "/" : remainder[0] == '?' ? "/" + remainder : remainder;
        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(3300, LogLevel.Warning, "Data-plane request from {RemoteAddress} refused: missing or wrong edge key")]
        public static partial void KeyRefused(ILogger logger, string? remoteAddress);

        [LoggerMessage(3301, LogLevel.Information, "Data-plane request for {DeviceId} epoch {Epoch} refused as stale (this edge holds epoch {HeldEpoch})")]
        public static partial void StaleRoute(ILogger logger, string deviceId, long epoch, long? heldEpoch);
    }
}
