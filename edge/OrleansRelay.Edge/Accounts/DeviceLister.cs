using System.Security.Claims;
using OrleansRelay.Contracts.Grains;

namespace OrleansRelay.Edge.Accounts;

/// <summary>The devices of one address, with name and online state (re-checked against each device's binding).</summary>
internal sealed class DeviceLister
{
    private readonly IGrainFactory _grains;

    public DeviceLister(IGrainFactory grains)
    {
        _grains = grains;
    }

    /// <summary>The devices <paramref name="user"/> may see: a user's own, or only those consented to an OAuth client.</summary>
    public async Task<DeviceListItem[]> ListAsync(ClaimsPrincipal user) =>
        DeviceAccess.Email(user) is { } email
            ? [.. (await ListAsync(email)).Where(device => DeviceAccess.IsConsented(user, device.Id))]
            : [];

    public async Task<DeviceListItem[]> ListAsync(string email)
    {
        var ids = await _grains.GetGrain<IAccountGrain>(email).GetDevices();
        var items = await Task.WhenAll(ids.Select(async id =>
        {
            var grain = _grains.GetGrain<IDeviceGrain>(id);
            var ownership = await grain.GetOwnership();
            if (!ownership.Registered || ownership.Email != email)
            {
                return null;
            }

            var status = await grain.GetStatus();
            return new DeviceListItem(id, ownership.Name ?? id, status.Online);
        }));
        return [.. items.OfType<DeviceListItem>()];
    }
}
