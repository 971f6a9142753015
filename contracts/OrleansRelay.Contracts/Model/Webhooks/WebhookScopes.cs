namespace OrleansRelay.Contracts.Model.Webhooks;

/// <summary>The keys of webhook registries: one per device, one per account (all the account's devices).</summary>
public static class WebhookScopes
{
    public static string Device(string deviceId) => "device:" + deviceId;

    public static string Account(string email) => "account:" + email;
}
