namespace OrleansRelay.Contracts.Model.Webhooks;

/// <summary>The new webhook, or why it was refused (a bad or forbidden URL, too many webhooks).</summary>
[GenerateSerializer, Immutable, Alias("OrleansRelay.WebhookAddResult")]
public sealed record WebhookAddResult(
    [property: Id(0)] WebhookRegistration? Webhook,
    [property: Id(1)] string? Error);
