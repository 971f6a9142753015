using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model;
using OrleansRelay.Edge.Events;
using OrleansRelay.Wire.Handshake;

namespace OrleansRelay.Edge.Connections;

/// <summary>This edge's single observer: grains reach the device sockets held here through it.</summary>
internal sealed class EdgeObserver : IEdgeObserver
{
    private readonly DeviceSessionRegistry _registry;
    private readonly DeviceEventFeeds _feeds;

    public EdgeObserver(DeviceSessionRegistry registry, DeviceEventFeeds feeds)
    {
        _registry = registry;
        _feeds = feeds;
    }

    public Task<RelayResponse> Forward(string deviceId, long epoch, RelayRequest request)
    {
        if (!_registry.TryGet(deviceId, out var connection) || connection.Epoch != epoch)
        {
            return Task.FromResult(RelayResponse.Failure(RelayError.DeviceOffline, "The device's session on this edge has ended."));
        }

        return connection.RelayAsync(request);
    }

    public Task CloseSession(string deviceId, long epoch, SessionCloseReason reason)
    {
        if (_registry.TryGet(deviceId, out var connection) && connection.Epoch == epoch)
        {
            var (code, text) = reason switch
            {
                SessionCloseReason.Replaced => (CloseCodes.Replaced, "A newer connection of this device replaced this one."),
                _ => (CloseCodes.CredentialsRevoked, "The device's credentials were rotated or it was deregistered."),
            };
            connection.Close(code, text);
        }

        return Task.CompletedTask;
    }

    public Task DeliverEvents(string deviceId, DeviceEvent[] events)
    {
        _feeds.Deliver(deviceId, events);
        return Task.CompletedTask;
    }

    public Task<HeldSession?> FindSession(string deviceId) =>
        Task.FromResult(_registry.TryGet(deviceId, out var connection)
            ? new HeldSession(connection.Epoch, connection.ConnectedAt)
            : null);
}
