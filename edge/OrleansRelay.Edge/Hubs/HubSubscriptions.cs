using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using OrleansRelay.Edge.Events;

using OrleansRelay.Edge.Diagnostics;

namespace OrleansRelay.Edge.Hubs;

/// <summary>
/// The devices each SignalR connection subscribed to on this edge, each with a pump that forwards the device's events
/// to that connection. Subscriptions end with <c>Unsubscribe</c> or the connection.
/// </summary>
internal sealed partial class HubSubscriptions
{
    private readonly ConcurrentDictionary<(string ConnectionId, string DeviceId), DeviceEventSubscription> _pumps = new();
    private readonly DeviceEventHub _events;
    private readonly IHubContext<DeviceHub> _hub;
    private readonly ILogger<HubSubscriptions> _logger;
    private readonly EdgeMetrics _metrics;

    public HubSubscriptions(DeviceEventHub events, IHubContext<DeviceHub> hub, EdgeMetrics metrics, ILogger<HubSubscriptions> logger)
    {
        _events = events;
        _hub = hub;
        _logger = logger;
        _metrics = metrics;
    }

    /// <summary>Subscriptions held on this edge.</summary>
    public int Count => _pumps.Count;

    public async Task AddAsync(string connectionId, string deviceId)
    {
        if (_pumps.ContainsKey((connectionId, deviceId)))
        {
            return;
        }

        var subscription = await _events.SubscribeAsync(deviceId);
        if (!_pumps.TryAdd((connectionId, deviceId), subscription))
        {
            subscription.Dispose();
            return;
        }

        _ = Task.Run(() => ForwardAsync(connectionId, subscription));
    }

    public void Remove(string connectionId, string deviceId)
    {
        if (_pumps.TryRemove((connectionId, deviceId), out var subscription))
        {
            subscription.Dispose();
        }
    }

    public void RemoveAll(string connectionId)
    {
        foreach (var key in _pumps.Keys.Where(k => k.ConnectionId == connectionId).ToArray())
        {
            Remove(key.ConnectionId, key.DeviceId);
        }
    }

    private async Task ForwardAsync(string connectionId, DeviceEventSubscription subscription)
    {
        var client = _hub.Clients.Client(connectionId);
        try
        {
            await foreach (var deviceEvent in subscription.Events.ReadAllAsync())
            {
                await client.SendAsync(deviceEvent.Kind, new DeviceEventMessage(subscription.DeviceId, deviceEvent.Id, deviceEvent.Data, deviceEvent.At));
            }

            if (subscription.Overflowed)
            {
                // Too slow to keep up: tell it, so it can re-subscribe (and catch up by id over SSE if it must).
                Log.Overflowed(_logger, connectionId, subscription.DeviceId);
                _metrics.LimitRejected(Limits.EventSubscriberOverflow);
                await client.SendAsync("overflow", subscription.DeviceId);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.PushFailed(_logger, connectionId, subscription.DeviceId, ex.GetType().Name);
        }
        finally
        {
            Remove(connectionId, subscription.DeviceId);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(3200, LogLevel.Warning, "SignalR connection {ConnectionId} fell behind on device {DeviceId}: subscription ended")]
        public static partial void Overflowed(ILogger logger, string connectionId, string deviceId);

        [LoggerMessage(3201, LogLevel.Warning, "Pushing events of device {DeviceId} to SignalR connection {ConnectionId} failed ({Exception})")]
        public static partial void PushFailed(ILogger logger, string connectionId, string deviceId, string exception);
    }
}
