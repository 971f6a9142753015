using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Edge.Http;
using OrleansRelay.Silo.Hosting;
using OrleansRelay.Wire;

namespace OrleansRelay.Edge.Hubs;

/// <summary>
/// <c>/hubs/devices</c>: <c>Subscribe(deviceId)</c> and <c>Unsubscribe(deviceId)</c>; the server pushes
/// <c>notification</c> and <c>presence</c> (<see cref="DeviceEventMessage"/>). The edge subscribes to a device's
/// events at its grain only while some local connection wants them. Callers present the operator key (header, or
/// <c>access_token</c> as SignalR clients send it) until accounts exist; an unknown device is a hub error.
/// </summary>
internal sealed class DeviceHub : Hub
{
    public const string Path = "/hubs/devices";

    private readonly HubSubscriptions _subscriptions;
    private readonly IGrainFactory _grains;
    private readonly AdminKeyFilter _adminKey;

    public DeviceHub(HubSubscriptions subscriptions, IGrainFactory grains, AdminKeyFilter adminKey)
    {
        _subscriptions = subscriptions;
        _grains = grains;
        _adminKey = adminKey;
    }

    public override Task OnConnectedAsync()
    {
        if (Context.GetHttpContext() is not { } http || !IsAuthorized(http))
        {
            Context.Abort();
        }

        return Task.CompletedTask;
    }

    public async Task Subscribe(string deviceId)
    {
        if (!DeviceIds.IsValid(deviceId) || !(await _grains.GetGrain<IDeviceGrain>(deviceId).GetStatus()).Registered)
        {
            throw new HubException("Unknown device.");
        }

        await _subscriptions.AddAsync(Context.ConnectionId, deviceId);
    }

    public Task Unsubscribe(string deviceId)
    {
        _subscriptions.Remove(Context.ConnectionId, deviceId);
        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        _subscriptions.RemoveAll(Context.ConnectionId);
        return Task.CompletedTask;
    }

    /// <summary>SignalR clients send a token as <c>access_token</c> on WebSocket requests (browsers cannot set headers there).</summary>
    private bool IsAuthorized(HttpContext http) => _adminKey.IsAuthorized(
        http,
        OperatorKey.Presented(http.Request.Headers[AdminKeyFilter.HeaderName], http.Request.Headers.Authorization) is { Length: > 0 } presented
            ? presented
            : http.Request.Query["access_token"].ToString());
}
