using System.Collections.Concurrent;
using OrleansRelay.Contracts.Model;
using OrleansRelay.Edge.Connections;
using OrleansRelay.Edge.Http;

namespace OrleansRelay.Edge.DataPlane;

/// <summary>
/// The routes this edge learned from device grains: device id → the edge holding its socket, the session epoch and
/// the device's owner (online and offline devices; unknown ids are not kept). Both the router and access decisions
/// read it, so a relayed request for a known device makes no cluster call. The grain pushes every change
/// (<see cref="OnChanged"/>); a grain that starts afresh (it lost the list of edges to tell) asks every edge whether
/// it holds the session, and that question drops the route here too (<see cref="Forget(string)"/>); a route found
/// stale on use is dropped and asked for again. As a backstop for a lost push, a route is trusted at most
/// <see cref="MaxAge"/>, and the table is cleared when the edge's cluster connection changes. A stale route can cost
/// one extra hop, never a request answered by another session: the owning edge serves only the epoch it is given.
/// </summary>
internal sealed class DeviceRoutes
{
    /// <summary>Past this many routes the table starts over (each is asked for again on next use).</summary>
    public const int Capacity = 200_000;

    /// <summary>How long a route is used without hearing from its grain.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    private readonly DeviceGrainReferences _grains;
    private readonly EdgeIdentity _identity;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Known> _routes = new(StringComparer.Ordinal);

    public DeviceRoutes(DeviceGrainReferences grains, EdgeIdentity identity, TimeProvider time)
    {
        _grains = grains;
        _identity = identity;
        _time = time;
    }

    public int Count => _routes.Count;

    /// <summary>The device's route: from the table, or from its grain (a cluster call) when the table has none.</summary>
    public async ValueTask<DeviceRoute> ResolveAsync(string deviceId)
    {
        if (_routes.TryGetValue(deviceId, out var known) && known.Until > _time.GetUtcNow())
        {
            return known.Route;
        }

        var route = await _grains.Get(deviceId).GetRoute(_identity.Reference);
        Learn(deviceId, route, asked: true);
        return route;
    }

    /// <summary>Drops <paramref name="stale"/> if it is still the device's route here.</summary>
    public void Forget(string deviceId, DeviceRoute stale)
    {
        if (_routes.TryGetValue(deviceId, out var known) && ReferenceEquals(known.Route, stale))
        {
            _routes.TryRemove(new KeyValuePair<string, Known>(deviceId, known));
        }
    }

    /// <summary>Drops whatever route of the device is known here (its grain started afresh).</summary>
    public void Forget(string deviceId) => _routes.TryRemove(deviceId, out _);

    /// <summary>Drops every route (the cluster connection changed: pushes may have been missed).</summary>
    public void Clear() => _routes.Clear();

    /// <summary>The grain says the route changed.</summary>
    public void OnChanged(string deviceId, DeviceRoute route) => Learn(deviceId, route, asked: false);

    /// <summary>
    /// The grain's answer to a question replaces what is known; a push replaces it when it is newer: a later epoch, or
    /// at the same epoch a later revision (the session ended, or its edge is back), whatever order pushes arrive in.
    /// </summary>
    private void Learn(string deviceId, DeviceRoute route, bool asked)
    {
        if (!route.Registered)
        {
            _routes.TryRemove(deviceId, out _);
            return;
        }

        if (_routes.Count >= Capacity)
        {
            _routes.Clear();
        }

        var learned = new Known(route, _time.GetUtcNow() + MaxAge);
        _routes.AddOrUpdate(deviceId, learned, (_, existing) => asked || route.Supersedes(existing.Route) ? learned : existing);
    }

    private sealed record Known(DeviceRoute Route, DateTimeOffset Until);
}
