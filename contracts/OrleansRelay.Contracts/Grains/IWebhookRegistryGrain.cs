using Orleans.Concurrency;
using OrleansRelay.Contracts.Model.Webhooks;

namespace OrleansRelay.Contracts.Grains;

/// <summary>The webhooks of one scope (key: <see cref="WebhookScopes"/>), and what was dead-lettered for each.</summary>
[Alias("OrleansRelay.IWebhookRegistryGrain")]
public interface IWebhookRegistryGrain : IGrainWithStringKey
{
    /// <summary>Registers an endpoint after checking its URL (scheme, and the addresses it resolves to).</summary>
    [Alias("Add")]
    ValueTask<WebhookAddResult> Add(string url, string[] events);

    /// <summary>The scope's webhooks (with secrets: callers outside the cluster must not pass them on).</summary>
    [Alias("List")]
    [AlwaysInterleave]
    ValueTask<WebhookRegistration[]> List();

    /// <summary>One webhook, or null when it was deleted.</summary>
    [Alias("Get")]
    [AlwaysInterleave]
    ValueTask<WebhookRegistration?> Get(string webhookId);

    /// <summary>Deletes a webhook (pending deliveries stop at their next attempt). False when there was none.</summary>
    [Alias("Remove")]
    ValueTask<bool> Remove(string webhookId);

    /// <summary>Records a dead-lettered delivery (the oldest are dropped beyond <c>Webhooks:DeadLetterCapacity</c>).</summary>
    [Alias("AddDeadLetter")]
    ValueTask AddDeadLetter(WebhookDeadLetter deadLetter);

    /// <summary>The webhook's dead-lettered deliveries, oldest first; null when there is no such webhook.</summary>
    [Alias("GetDeadLetters")]
    ValueTask<WebhookDeadLetter[]?> GetDeadLetters(string webhookId);
}
