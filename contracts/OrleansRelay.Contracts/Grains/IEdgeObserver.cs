using Orleans.Concurrency;
using OrleansRelay.Contracts.Model;

namespace OrleansRelay.Contracts.Grains;

/// <summary>
/// The one observer each edge host registers: grains reach the device sessions that edge holds through it, naming the
/// device and the session epoch on every call so a stale call never reaches a newer session. Relayed requests do not
/// use it: their bytes go straight to the owning edge's data-plane listener.
/// </summary>
/// <remarks>
/// Every method is <c>[AlwaysInterleave]</c>: Orleans runs the calls to one client-side observer one at a time
/// (InvokableObjectManager's per-object message pump) unless the message is marked always-interleave, and this one
/// observer carries every device of the edge.
/// </remarks>
[Alias("OrleansRelay.IEdgeObserver")]
public interface IEdgeObserver : IGrainObserver
{
    /// <summary>
    /// Closes a device session, telling the device why first. Completes once the session takes no new requests, so
    /// the grain can accept a newer session knowing that no request is answered by this one afterwards.
    /// </summary>
    [Alias("CloseSession")]
    [AlwaysInterleave]
    Task CloseSession(string deviceId, long epoch, SessionCloseReason reason);

    /// <summary>Whether this edge holds a session of the device, and which (a re-activated grain asks every live edge).</summary>
    [Alias("FindSession")]
    [AlwaysInterleave]
    Task<HeldSession?> FindSession(string deviceId);

    /// <summary>New events of a device this edge subscribed to (in order, ids consecutive within one call).</summary>
    [Alias("DeliverEvents")]
    [OneWay]
    [AlwaysInterleave]
    Task DeliverEvents(string deviceId, DeviceEvent[] events);

    /// <summary>The device's route changed (a new session, the session ended, its edge was lost): drop or replace the cached one.</summary>
    [Alias("RouteChanged")]
    [OneWay]
    [AlwaysInterleave]
    Task RouteChanged(string deviceId, DeviceRoute route);

    /// <summary>
    /// Credentials were revoked: drop every cached sign-in of <paramref name="email"/> (its session tokens and the OAuth
    /// tokens issued for it), or of everyone when null (an OAuth client was deleted). Completes once they are dropped, so
    /// the revoking call can return knowing no live edge still admits them.
    /// </summary>
    [Alias("CredentialsRevoked")]
    [AlwaysInterleave]
    Task CredentialsRevoked(string? email);

    /// <summary>The cached responses of a device whose session this edge holds (null: no such session here).</summary>
    [Alias("GetCache")]
    [AlwaysInterleave]
    Task<DeviceCacheView?> GetCache(string deviceId, long epoch);

    /// <summary>Drops every cached response of the session's device. Returns how many.</summary>
    [Alias("PurgeCache")]
    [AlwaysInterleave]
    Task<int> PurgeCache(string deviceId, long epoch);

    /// <summary>Drops the cached responses of these paths and their parents (<c>*</c>: all). Returns how many.</summary>
    [Alias("InvalidateCache")]
    [AlwaysInterleave]
    Task<int> InvalidateCache(string deviceId, long epoch, string[] paths);
}
