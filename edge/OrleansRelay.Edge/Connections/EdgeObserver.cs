using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model;
using OrleansRelay.Edge.Accounts;
using OrleansRelay.Edge.DataPlane;
using OrleansRelay.Edge.Events;
using OrleansRelay.Wire.Handshake;

namespace OrleansRelay.Edge.Connections;

/// <summary>This edge's single observer: grains reach the device sessions held here through it.</summary>
internal sealed class EdgeObserver : IEdgeObserver
{
    private readonly DeviceSessionRegistry _registry;
    private readonly DeviceEventFeeds _feeds;
    private readonly Lazy<DeviceRoutes> _routes;
    private readonly CredentialCache _credentials;

    public EdgeObserver(DeviceSessionRegistry registry, DeviceEventFeeds feeds, CredentialCache credentials, IServiceProvider services)
    {
        _registry = registry;
        _feeds = feeds;
        _credentials = credentials;
        // The route table depends on this edge's identity, which depends on this observer: resolve it on first use.
        _routes = new Lazy<DeviceRoutes>(() => (DeviceRoutes)services.GetService(typeof(DeviceRoutes))!);
    }

    public Task CloseSession(string deviceId, long epoch, SessionCloseReason reason)
    {
        if (TryGetSession(deviceId, epoch, out var connection))
        {
            var (code, text) = reason switch
            {
                SessionCloseReason.Replaced => (CloseCodes.Replaced, "A newer connection of this device replaced this one."),
                _ => (CloseCodes.CredentialsRevoked, "The device's credentials were rotated or it was deregistered."),
            };

            // Close marks the session closing at once: from here on it takes no new requests.
            connection.Close(code, text);
        }

        return Task.CompletedTask;
    }

    public Task DeliverEvents(string deviceId, DeviceEvent[] events)
    {
        _feeds.Deliver(deviceId, events);
        return Task.CompletedTask;
    }

    public Task RouteChanged(string deviceId, DeviceRoute route)
    {
        _routes.Value.OnChanged(deviceId, route);
        return Task.CompletedTask;
    }

    public Task CredentialsRevoked(string? email)
    {
        _credentials.Revoke(email);
        return Task.CompletedTask;
    }

    public Task<HeldSession?> FindSession(string deviceId)
    {
        // The device's grain started afresh and lost the edges it told about route changes: ask it again next time.
        _routes.Value.Forget(deviceId);
        return Task.FromResult(_registry.TryGet(deviceId, out var connection)
            ? new HeldSession(connection.Epoch, connection.ConnectedAt)
            : null);
    }

    public async Task<DeviceCacheView?> GetCache(string deviceId, long epoch) =>
        TryGetSession(deviceId, epoch, out var connection) ? await connection.Relay.ViewAsync() : null;

    public async Task<int> PurgeCache(string deviceId, long epoch) =>
        TryGetSession(deviceId, epoch, out var connection) ? await connection.Relay.PurgeAsync() : 0;

    public async Task<int> InvalidateCache(string deviceId, long epoch, string[] paths) =>
        TryGetSession(deviceId, epoch, out var connection) ? await connection.Relay.InvalidateAsync(paths) : 0;

    private bool TryGetSession(string deviceId, long epoch, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DeviceConnection? connection) =>
        _registry.TryGet(deviceId, out connection) && connection.Epoch == epoch;
}
