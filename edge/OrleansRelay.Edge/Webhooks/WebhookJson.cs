using System.Text.Json.Serialization;
using OrleansRelay.Contracts.Model.Webhooks;

namespace OrleansRelay.Edge.Webhooks;

/// <summary><c>POST …/webhooks</c> body.</summary>
internal sealed record CreateWebhookRequest(
    [property: JsonPropertyName("url")] string? Url,
    [property: JsonPropertyName("events")] string[]? Events);

/// <summary>A webhook as listed (never with its secret).</summary>
internal sealed record WebhookView(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("events")] string[] Events,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt)
{
    public static WebhookView From(WebhookRegistration webhook) => new(webhook.Id, webhook.Url, webhook.Events, webhook.CreatedAt);
}

/// <summary>The answer to a registration: the only time the secret is shown.</summary>
internal sealed record CreatedWebhook(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("secret")] string Secret,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("events")] string[] Events,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt);

/// <summary>A dead-lettered delivery.</summary>
internal sealed record DeadLetterView(
    [property: JsonPropertyName("webhookId")] string WebhookId,
    [property: JsonPropertyName("messageId")] string MessageId,
    [property: JsonPropertyName("deviceId")] string DeviceId,
    [property: JsonPropertyName("eventId")] long EventId,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("lastError")] string LastError,
    [property: JsonPropertyName("deadLetteredAt")] DateTimeOffset DeadLetteredAt)
{
    public static DeadLetterView From(WebhookDeadLetter d) => new(d.WebhookId, d.MessageId, d.DeviceId, d.EventId, d.Kind, d.Attempts, d.LastError, d.DeadLetteredAt);
}

[JsonSerializable(typeof(CreateWebhookRequest))]
[JsonSerializable(typeof(CreatedWebhook))]
[JsonSerializable(typeof(WebhookView[]))]
[JsonSerializable(typeof(DeadLetterView[]))]
internal sealed partial class WebhookJsonContext : JsonSerializerContext;
