using Microsoft.Extensions.Logging;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Edge.Connections;
using OrleansRelay.Edge.Hosting;

namespace OrleansRelay.Edge.Events;

/// <summary>
/// Device events on this edge: for each device with local subscribers (SSE responses, SignalR connections) the edge
/// holds one subscription at the device's grain, dropped when the last local subscriber leaves, so no edge subscribes
/// to every device. Subscriptions are renewed with the edge's re-announcements (a re-activated grain forgets them).
/// </summary>
internal sealed partial class DeviceEventHub
{
    private readonly DeviceEventFeeds _feeds;
    private readonly IGrainFactory _grains;
    private readonly EdgeIdentity _identity;
    private readonly ILogger<DeviceEventHub> _logger;

    public DeviceEventHub(DeviceEventFeeds feeds, IGrainFactory grains, EdgeIdentity identity, ILogger<DeviceEventHub> logger)
    {
        _feeds = feeds;
        _grains = grains;
        _identity = identity;
        _logger = logger;
    }

    /// <summary>Starts receiving a device's events from now on; dispose to stop.</summary>
    public async Task<DeviceEventSubscription> SubscribeAsync(string deviceId)
    {
        var subscription = new DeviceEventSubscription(deviceId, Release);
        if (_feeds.Add(deviceId, subscription, () => new DeviceEventFeed(deviceId, _grains.GetGrain<IDeviceGrain>(deviceId)), out var feed))
        {
            try
            {
                await feed.SubscribeAsync(_identity.Reference);
            }
            catch
            {
                subscription.Dispose();
                throw;
            }
        }

        return subscription;
    }

    /// <summary>Renews every subscription at the grains, filling any gap. Returns how many failed.</summary>
    public async Task<int> RenewAllAsync()
    {
        var failures = 0;
        await Task.WhenAll(_feeds.Snapshot().Select(async feed =>
        {
            try
            {
                await feed.SubscribeAsync(_identity.Reference);
            }
            catch (Exception ex) when (ClusterFailure.Is(ex))
            {
                Interlocked.Increment(ref failures);
                Log.RenewFailed(_logger, feed.DeviceId, ex.GetType().Name);
            }
        }));
        return failures;
    }

    private void Release(DeviceEventSubscription subscription)
    {
        if (_feeds.Remove(subscription) is { } emptied)
        {
            _ = UnsubscribeAsync(emptied.DeviceId);
        }
    }

    private async Task UnsubscribeAsync(string deviceId)
    {
        try
        {
            await _grains.GetGrain<IDeviceGrain>(deviceId).UnsubscribeEvents(_identity.EdgeId);
        }
        catch (Exception ex) when (ClusterFailure.Is(ex))
        {
            // The grain forgets the subscription when it re-activates; until then it pushes into no feed here.
            Log.RenewFailed(_logger, deviceId, ex.GetType().Name);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(2400, LogLevel.Warning, "Could not (re)subscribe to or unsubscribe from the events of device {DeviceId} ({Exception})")]
        public static partial void RenewFailed(ILogger logger, string deviceId, string exception);
    }
}
