using Microsoft.AspNetCore.SignalR;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Edge.Accounts;
using OrleansRelay.Wire;

namespace OrleansRelay.Edge.Hubs;

/// <summary>
/// <c>/hubs/devices</c>: <c>Subscribe(deviceId)</c> and <c>Unsubscribe(deviceId)</c>; the server pushes
/// <c>notification</c> and <c>presence</c> (<see cref="DeviceEventMessage"/>). The edge subscribes to a device's
/// events at its grain only while some local connection wants them. Connecting needs a user token or the operator
/// key (bearer, or <c>access_token</c> as SignalR clients send it on WebSockets); a device the caller may not see is
/// refused exactly like an unknown one.
/// </summary>
internal sealed class DeviceHub : Hub
{
    public const string Path = "/hubs/devices";

    private readonly HubSubscriptions _subscriptions;
    private readonly IGrainFactory _grains;
    private readonly DeviceAccess _access;

    public DeviceHub(HubSubscriptions subscriptions, IGrainFactory grains, DeviceAccess access)
    {
        _subscriptions = subscriptions;
        _grains = grains;
        _access = access;
    }

    public async Task Subscribe(string deviceId)
    {
        if (!DeviceIds.IsValid(deviceId)
            || Context.User is not { } user
            || !await _access.CanAccessAsync(user, deviceId)
            || !(await _grains.GetGrain<IDeviceGrain>(deviceId).GetStatus()).Registered)
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
}
