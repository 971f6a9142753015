using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model;
using OrleansRelay.Edge.Hosting;

namespace OrleansRelay.Edge.Events;

/// <summary>
/// This edge's subscription to one device's events, shared by its local subscribers. Delivers each event once and in
/// id order: duplicates (a push and a replay overlapping) are dropped, and a gap in the ids (a push lost while the
/// device's grain moved) is filled from the grain's log before anything after it is delivered.
/// </summary>
internal sealed class DeviceEventFeed
{
    private readonly object _gate = new();
    private readonly List<DeviceEventSubscription> _subscribers = [];
    private readonly IDeviceGrain _grain;
    private long _lastId = -1;
    private int _filling;

    public DeviceEventFeed(string deviceId, IDeviceGrain grain)
    {
        DeviceId = deviceId;
        _grain = grain;
    }

    public string DeviceId { get; }

    public bool IsEmpty
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count == 0;
            }
        }
    }

    public void Add(DeviceEventSubscription subscription)
    {
        lock (_gate)
        {
            _subscribers.Add(subscription);
        }
    }

    public void Remove(DeviceEventSubscription subscription)
    {
        lock (_gate)
        {
            _subscribers.Remove(subscription);
        }
    }

    /// <summary>(Re-)subscribes this edge at the grain and delivers what it missed since the last id it saw.</summary>
    public async Task SubscribeAsync(EdgeRef edge)
    {
        long after;
        lock (_gate)
        {
            after = _lastId;
        }

        var page = await _grain.SubscribeEvents(edge, after);
        lock (_gate)
        {
            if (_lastId < 0)
            {
                _lastId = page.LastId;
            }
        }

        Deliver(page.Events);
    }

    /// <summary>Events pushed by the grain or replayed from its log.</summary>
    public void Deliver(IReadOnlyList<DeviceEvent> events)
    {
        lock (_gate)
        {
            foreach (var deviceEvent in events)
            {
                if (_lastId >= 0 && deviceEvent.Id <= _lastId)
                {
                    continue;
                }

                if (_lastId >= 0 && deviceEvent.Id > _lastId + 1)
                {
                    // Missed some: fetch them (and everything after) from the log instead of delivering out of order.
                    _ = FillAsync();
                    return;
                }

                _lastId = deviceEvent.Id;
                foreach (var subscriber in _subscribers)
                {
                    subscriber.Push(deviceEvent);
                }
            }
        }
    }

    private async Task FillAsync()
    {
        if (Interlocked.Exchange(ref _filling, 1) == 1)
        {
            return;
        }

        try
        {
            while (true)
            {
                long after;
                lock (_gate)
                {
                    after = _lastId;
                }

                var page = await _grain.GetEvents(after, 1000);
                Deliver(page.Events);
                if (page.Events.Length < 1000)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ClusterFailure.Is(ex))
        {
            // The next push or the periodic re-subscription fills the gap.
        }
        finally
        {
            Volatile.Write(ref _filling, 0);
        }
    }
}
