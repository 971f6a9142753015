using Orleans.Concurrency;
using OrleansRelay.Contracts.Model;

namespace OrleansRelay.Contracts.Grains;

/// <summary>
/// One virtual actor per device id, the control plane of its relay: its registration (secret hash), its live session
/// (which edge holds the socket, with which epoch: the route other edges forward to), and its event log.
/// </summary>
[Alias("OrleansRelay.IDeviceGrain")]
public interface IDeviceGrain : IGrainWithStringKey
{
    /// <summary>Registers the device, or rotates its secret when <paramref name="rotateSecret"/> is set. The secret is returned only here.</summary>
    [Alias("Provision")]
    ValueTask<DeviceProvisioning> Provision(string? name, bool rotateSecret);

    /// <summary>Removes the registration and closes any live session.</summary>
    [Alias("Deregister")]
    ValueTask<bool> Deregister();

    /// <summary>Registration and session state for operators.</summary>
    [Alias("GetStatus")]
    ValueTask<DeviceStatus> GetStatus();

    /// <summary>The address the device is bound to and its <c>apiAuthPath</c>: what access control and device-side authentication need.</summary>
    [Alias("GetOwnership")]
    [AlwaysInterleave]
    ValueTask<DeviceOwnership> GetOwnership();

    /// <summary>Authenticates a new connection and, on success, makes it the live session, replacing any older one.</summary>
    [Alias("Connect")]
    ValueTask<DeviceConnectResult> Connect(DeviceConnectRequest request);

    /// <summary>
    /// Re-announces a session the edge still holds (after a silo failure, periodically). Returns false when a newer
    /// session exists or the device is no longer registered, in which case the edge closes the socket.
    /// </summary>
    [Alias("Reattach")]
    ValueTask<bool> Reattach(DeviceSessionRef session);

    /// <summary>Clears the live session if it is still the one with <paramref name="epoch"/>; a stale disconnect changes nothing.</summary>
    [Alias("Disconnect")]
    ValueTask Disconnect(long epoch, string reason);

    /// <summary>
    /// Where the device's requests go: the edge holding its socket and the session epoch, or why nowhere (not
    /// provisioned, offline). The asking edge is told of every later change (<see cref="IEdgeObserver.RouteChanged"/>)
    /// until the grain deactivates; its request bytes then flow edge to edge, never through the grain.
    /// </summary>
    [Alias("GetRoute")]
    [AlwaysInterleave]
    ValueTask<DeviceRoute> GetRoute(EdgeRef asker);

    /// <summary>
    /// These paths changed (<c>*</c>: everything); their cached responses, and their parents', are dropped by the edge
    /// that holds the session (the response cache lives beside the device's socket). Returns how many.
    /// </summary>
    [Alias("InvalidateCache")]
    ValueTask<int> InvalidateCache(string[] paths);

    /// <summary>The device's cached responses, for operators.</summary>
    [Alias("GetCache")]
    ValueTask<DeviceCacheView> GetCache();

    /// <summary>Drops every cached response of the device. Returns how many.</summary>
    [Alias("PurgeCache")]
    ValueTask<int> PurgeCache();

    /// <summary>
    /// Records notifications the device sent on session <paramref name="epoch"/>, dropping any whose sequence number
    /// is not above the last recorded one (a resend), and returns the highest recorded sequence number: the edge
    /// acknowledges up to it. Recorded means appended to the event log (durably with persistent storage) and pushed
    /// to the subscribed edges.
    /// </summary>
    [Alias("RecordNotifications")]
    ValueTask<long> RecordNotifications(long epoch, DeviceNotification[] notifications);

    /// <summary>Events after <paramref name="afterId"/> (0: from the oldest kept), at most <paramref name="max"/>.</summary>
    [Alias("GetEvents")]
    ValueTask<DeviceEventPage> GetEvents(long afterId, int max);

    /// <summary>
    /// Pushes this device's new events to <paramref name="edge"/> (<see cref="IEdgeObserver.DeliverEvents"/>) until it
    /// unsubscribes or is lost, and returns the events after <paramref name="afterId"/> it missed. Edges renew their
    /// subscriptions with their re-announcements, so a re-activated grain learns them again.
    /// </summary>
    [Alias("SubscribeEvents")]
    ValueTask<DeviceEventPage> SubscribeEvents(EdgeRef edge, long afterId);

    /// <summary>Stops pushing events to the edge.</summary>
    [Alias("UnsubscribeEvents")]
    ValueTask UnsubscribeEvents(string edgeId);

    /// <summary>
    /// The device's own webhooks changed: whether it has any now. Only a device with webhooks (its own, or its
    /// owner's account-wide ones) wakes the webhook dispatcher with its events; a device without costs it nothing.
    /// </summary>
    [Alias("SetOwnWebhooks")]
    ValueTask SetOwnWebhooks(bool any);

    /// <summary>
    /// The account <paramref name="owner"/> has account-wide webhooks now (<paramref name="any"/>) or no longer;
    /// ignored unless the device is bound to that account.
    /// </summary>
    [Alias("SetOwnerWebhooks")]
    ValueTask SetOwnerWebhooks(string owner, bool any);
}
