namespace OrleansRelay.Contracts.Model.Webhooks;

/// <summary>An event the relay gave up delivering to a webhook (every attempt failed until the retry period ran out).</summary>
/// <param name="WebhookId">The webhook.</param>
/// <param name="MessageId">The <c>webhook-id</c> the attempts carried (<c>{deviceId}/{eventId}</c>).</param>
/// <param name="DeviceId">The device.</param>
/// <param name="EventId">The event's id in the device's log (its data stays readable there while the log keeps it).</param>
/// <param name="Kind">The event's kind.</param>
/// <param name="Attempts">How many deliveries were tried.</param>
/// <param name="LastError">The last attempt's failure (status code or transport error).</param>
/// <param name="DeadLetteredAt">When the relay gave up.</param>
[GenerateSerializer, Immutable, Alias("OrleansRelay.WebhookDeadLetter")]
public sealed record WebhookDeadLetter(
    [property: Id(0)] string WebhookId,
    [property: Id(1)] string MessageId,
    [property: Id(2)] string DeviceId,
    [property: Id(3)] long EventId,
    [property: Id(4)] string Kind,
    [property: Id(5)] int Attempts,
    [property: Id(6)] string LastError,
    [property: Id(7)] DateTimeOffset DeadLetteredAt);
