using Orleans.Concurrency;
using OrleansRelay.Contracts.Model;

namespace OrleansRelay.Contracts.Grains;

/// <summary>
/// One virtual actor per device id: its registration (secret hash), its live session (which edge holds the socket,
/// with which epoch) and the relay of requests to it.
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
    /// Relays a request to the device through its response cache (<c>X-Cache: HIT|MISS|BYPASS</c>). Runs interleaved:
    /// many requests are in flight at once.
    /// </summary>
    [Alias("Relay")]
    [AlwaysInterleave]
    [ResponseTimeout("00:05:00")]
    ValueTask<RelayResponse> Relay(RelayRequest request);

    /// <summary>The device reports that these paths changed (<c>*</c>: everything); their cached responses, and their parents', are dropped.</summary>
    [Alias("InvalidateCache")]
    ValueTask<int> InvalidateCache(string[] paths);

    /// <summary>The device's cached responses, for operators.</summary>
    [Alias("GetCache")]
    ValueTask<DeviceCacheView> GetCache();

    /// <summary>Drops every cached response of the device. Returns how many.</summary>
    [Alias("PurgeCache")]
    ValueTask<int> PurgeCache();
}
