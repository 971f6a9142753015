using Orleans.Concurrency;

namespace OrleansRelay.Silo.Webhooks;

/// <summary>
/// Delivers one device's events to one webhook, in order (key: <c>{webhookId}/{deviceId}</c>). One grain per pair, so
/// a slow or failing endpoint holds up only its own deliveries.
/// </summary>
[Alias("OrleansRelay.IWebhookDeliveryGrain")]
public interface IWebhookDeliveryGrain : IGrainWithStringKey
{
    /// <summary>The device's log has events up to <paramref name="lastEventId"/>; deliver what is not delivered yet.</summary>
    [Alias("Wake")]
    [OneWay]
    Task Wake(string scope, long lastEventId);
}
