using Microsoft.Extensions.Logging;

namespace OrleansRelay.Silo.Grains;

/// <summary>
/// Whether the device's events go to the webhook dispatcher: only when the device has webhooks of its own or its
/// owner has account-wide ones. Both flags are persisted with the registration and set by whoever owns the webhooks
/// (the device's registry, the owner's account), so a device without webhooks never activates the dispatcher (before,
/// every connected device kept a dispatcher and two registry activations, about 7 KiB of silo heap each).
/// </summary>
internal sealed partial class DeviceGrain
{
    private bool HasAnyWebhooks => _registration.State.HasWebhooks || _registration.State.OwnerHasWebhooks;

    public async ValueTask SetOwnWebhooks(bool any)
    {
        var state = _registration.State;
        if ((any && !IsRegistered) || state.HasWebhooks == any)
        {
            // Off is always taken: a deregistered device keeps the flag while its webhooks exist.
            return;
        }

        state.HasWebhooks = any;
        await PersistAsync(() => _registration.WriteStateAsync());
        WebhookLog.WebhooksChanged(_logger, DeviceId, "own", any);
    }

    public async ValueTask SetOwnerWebhooks(string owner, bool any)
    {
        var state = _registration.State;
        if (!IsRegistered || state.Email != owner || state.OwnerHasWebhooks == any)
        {
            return;
        }

        state.OwnerHasWebhooks = any;
        await PersistAsync(() => _registration.WriteStateAsync());
        WebhookLog.WebhooksChanged(_logger, DeviceId, "account-wide", any);
    }

    private static partial class WebhookLog
    {
        [LoggerMessage(1032, LogLevel.Debug, "Device {DeviceId}: {Kind} webhooks now {Any}; its events go to the webhook dispatcher while either kind exists")]
        public static partial void WebhooksChanged(ILogger logger, string deviceId, string kind, bool any);
    }
}
