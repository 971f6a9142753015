using Orleans.Concurrency;
using OrleansRelay.Contracts.Model;

namespace OrleansRelay.Contracts.Grains;

/// <summary>
/// The one observer each edge host registers: grains reach the device sockets that edge holds through it, naming the
/// device and the session epoch on every call so a stale call never reaches a newer session.
/// </summary>
[Alias("OrleansRelay.IEdgeObserver")]
public interface IEdgeObserver : IGrainObserver
{
    /// <summary>Sends a request to a device connected to this edge and returns its response (or why there is none).</summary>
    /// <remarks>
    /// <c>[AlwaysInterleave]</c> is essential: Orleans runs the calls to one client-side observer one at a time
    /// (InvokableObjectManager's per-object message pump) unless the message is marked always-interleave, and this
    /// one observer carries every device of the edge.
    /// </remarks>
    [Alias("Forward")]
    [AlwaysInterleave]
    [ResponseTimeout("00:05:00")]
    Task<RelayResponse> Forward(string deviceId, long epoch, RelayRequest request);

    /// <summary>Closes a device session, telling the device why first.</summary>
    [Alias("CloseSession")]
    [OneWay]
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
}
