using Microsoft.Extensions.Logging;
using OrleansRelay.Contracts.Grains;

namespace OrleansRelay.Silo.Accounts;

/// <summary>
/// Whether the account has account-wide webhooks, passed on to its devices: a device's events wake the webhook
/// dispatcher only when the device or its owner has webhooks, so the thousands of devices without any cost it no
/// activation at all.
/// </summary>
internal sealed partial class AccountGrain
{
    public async ValueTask SetWebhooks(bool any)
    {
        if (State.HasWebhooks != any)
        {
            State.HasWebhooks = any;
            await _state.WriteStateAsync();
        }

        // Not awaited: a device that is itself waiting on this account (it unbinds from it while changing owners)
        // must not deadlock with this fan-out. Each device that binds later is told in Bind.
        TellDevices(State.Devices.ToArray(), any);
    }

    private void TellDevices(string[] deviceIds, bool any)
    {
        foreach (var deviceId in deviceIds)
        {
            _ = TellDeviceAsync(deviceId, any);
        }
    }

    private async Task TellDeviceAsync(string deviceId, bool any)
    {
        try
        {
            await GrainFactory.GetGrain<IDeviceGrain>(deviceId).SetOwnerWebhooks(Email, any);
        }
        catch (Exception ex)
        {
            // The device learns it again when it next binds (Bind tells it while the account has webhooks): on a
            // connect of a new activation of its grain, or one that names another address.
            WebhookLog.TellDeviceFailed(_logger, Email, deviceId, any, ex.GetType().Name, ex.Message);
        }
    }

    private static partial class WebhookLog
    {
        [LoggerMessage(4017, LogLevel.Warning, "Account {Email}: telling device {DeviceId} that account-wide webhooks are {Any} failed ({Exception}): {Detail}; it learns it on its next connect")]
        public static partial void TellDeviceFailed(ILogger logger, string email, string deviceId, bool any, string exception, string detail);
    }
}
