using OrleansRelay.Contracts.Model.Webhooks;

namespace OrleansRelay.Silo.Webhooks;

/// <summary>Persisted webhooks of a scope and their dead letters.</summary>
[GenerateSerializer, Alias("OrleansRelay.WebhookRegistryState")]
internal sealed class WebhookRegistryState
{
    [Id(0)]
    public List<WebhookRegistration> Webhooks { get; set; } = [];

    [Id(1)]
    public Dictionary<string, List<WebhookDeadLetter>> DeadLetters { get; set; } = new(StringComparer.Ordinal);
}
