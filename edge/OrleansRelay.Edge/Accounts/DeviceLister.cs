using System.Text.Json;
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
            return new DeviceListItem(id, status.Name ?? InfoName(status.InfoJson) ?? id, status.Online);
        }));
        return [.. items.OfType<DeviceListItem>()];
    }

    private static string? InfoName(string? infoJson)
    {
        if (infoJson is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(infoJson);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
                ? name.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
