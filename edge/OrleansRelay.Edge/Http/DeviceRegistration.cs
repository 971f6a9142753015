using Microsoft.AspNetCore.Http;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Wire;

namespace OrleansRelay.Edge.Http;

/// <summary>Registers a new device through its grain; shared by the operator and factory endpoints.</summary>
internal static class DeviceRegistration
{
    public static async Task<IResult> RegisterAsync(ProvisionDeviceRequest? body, IGrainFactory grains, string conflictMessage)
    {
        if (body is null || !DeviceIds.IsValid(body.DeviceId))
        {
            return RelayErrors.Json(StatusCodes.Status400BadRequest, $"'deviceId' must be 1–{DeviceIds.MaxLength} characters of A–Z a–z 0–9 . _ : -");
        }

        var result = await grains.GetGrain<IDeviceGrain>(body.DeviceId).Provision(body.Name, rotateSecret: false);
        return result.Created
            ? Results.Json(new ProvisionedDevice(body.DeviceId, result.Secret!), AdminJsonContext.Default.ProvisionedDevice, statusCode: StatusCodes.Status201Created)
            : RelayErrors.Json(StatusCodes.Status409Conflict, conflictMessage);
    }
}
