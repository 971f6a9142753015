using System.Collections.Concurrent;
using OrleansRelay.Contracts.Model;
using OrleansRelay.Edge.Connections;
using OrleansRelay.Edge.Http;

namespace OrleansRelay.Edge.DataPlane;

/// <summary>
/// The routes this edge learned from device grains: device id → the edge holding its socket and the session epoch.
/// Only live routes are kept; the grain pushes every change (<see cref="OnChanged"/>), and a route found stale on use
/// (the owning edge holds no session of that epoch) is dropped and asked for again. A stale route can therefore cost
/// one extra hop, never a request answered by another session: the owning edge serves only the epoch it is given.
/// </summary>
internal sealed class DeviceRoutes
{
    /// <summary>Past this many routes the table starts over (each is asked for again on next use).</summary>
    public const int Capacity = 200_000;

    private readonly DeviceGrainReferences _grains;
    private readonly EdgeIdentity _identity;
    private readonly ConcurrentDictionary<string, DeviceRoute> _routes = new(StringComparer.Ordinal);

    public DeviceRoutes(DeviceGrainReferences grains, EdgeIdentity identity)
    {
        _grains = grains;
        _identity = identity;
    }

    public int Count => _routes.Count;

    /// <summary>The device's route: from the table, or from its grain (a cluster call) when the table has none.</summary>
    public async ValueTask<DeviceRoute> ResolveAsync(string deviceId)
    {
        if (_routes.TryGetValue(deviceId, out var known))
        {
            return known;
        }

        var route = await _grains.Get(deviceId).GetRoute(_identity.Reference);
        if (route.Online)
        {
            if (_routes.Count >= Capacity)
            {
                _routes.Clear();
            }

            _routes.AddOrUpdate(deviceId, route, (_, existing) => existing.Epoch > route.Epoch ? existing : route);
        }

        return route;
    }

    /// <summary>Drops <paramref name="stale"/> if it is still the device's route here.</summary>
    public void Forget(string deviceId, DeviceRoute stale) =>
        _routes.TryRemove(new KeyValuePair<string, DeviceRoute>(deviceId, stale));

    /// <summary>The grain says the route changed: a live route replaces an older one, an offline one removes it.</summary>
    public void OnChanged(string deviceId, DeviceRoute route)
    {
        if (route.Online)
        {
            _routes.AddOrUpdate(deviceId, route, (_, existing) => existing.Epoch > route.Epoch ? existing : route);
        }
        else
        {
            _routes.TryRemove(deviceId, out _);
        }
    }
}
