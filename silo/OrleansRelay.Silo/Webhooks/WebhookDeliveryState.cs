namespace OrleansRelay.Silo.Webhooks;

/// <summary>Where a webhook's deliveries for one device stand.</summary>
[GenerateSerializer, Alias("OrleansRelay.WebhookDeliveryState")]
internal sealed class WebhookDeliveryState
{
    /// <summary>The registry the webhook lives in.</summary>
    [Id(0)]
    public string? Scope { get; set; }

    /// <summary>The last event delivered, dead-lettered or skipped (not of a subscribed kind, or older than the webhook).</summary>
    [Id(1)]
    public long LastEventId { get; set; }
}
