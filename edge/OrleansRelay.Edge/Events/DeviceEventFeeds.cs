using OrleansRelay.Contracts.Model;

namespace OrleansRelay.Edge.Events;

/// <summary>The feeds of the devices that have local subscribers on this edge; the edge observer delivers into them.</summary>
internal sealed class DeviceEventFeeds
{
    private readonly object _gate = new();
    private readonly Dictionary<string, DeviceEventFeed> _feeds = new(StringComparer.Ordinal);

    /// <summary>Devices with local subscribers.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _feeds.Count;
            }
        }
    }

    /// <summary>Adds a subscriber to the device's feed, creating it; true when the feed is new (subscribe at the grain).</summary>
    public bool Add(string deviceId, DeviceEventSubscription subscription, Func<DeviceEventFeed> create, out DeviceEventFeed feed)
    {
        lock (_gate)
        {
            var created = !_feeds.TryGetValue(deviceId, out feed!);
            if (created)
            {
                feed = create();
                _feeds[deviceId] = feed;
            }

            feed.Add(subscription);
            return created;
        }
    }

    /// <summary>Removes a subscriber; returns the feed when it was the last one (unsubscribe at the grain).</summary>
    public DeviceEventFeed? Remove(DeviceEventSubscription subscription)
    {
        lock (_gate)
        {
            if (_feeds.TryGetValue(subscription.DeviceId, out var feed))
            {
                feed.Remove(subscription);
                if (feed.IsEmpty)
                {
                    _feeds.Remove(subscription.DeviceId);
                    return feed;
                }
            }

            return null;
        }
    }

    public DeviceEventFeed[] Snapshot()
    {
        lock (_gate)
        {
            return [.. _feeds.Values];
        }
    }

    /// <summary>Events a device's grain pushed.</summary>
    public void Deliver(string deviceId, DeviceEvent[] events)
    {
        DeviceEventFeed? feed;
        lock (_gate)
        {
            _feeds.TryGetValue(deviceId, out feed);
        }

        feed?.Deliver(events);
    }
}
