namespace OrleansRelay.Silo.Webhooks;

/// <summary>A webhook's host resolved only to addresses the target policy forbids.</summary>
internal sealed class WebhookTargetRefusedException(string host)
    : Exception($"{host} resolves only to loopback, link-local, private or unspecified addresses (Webhooks:AllowPrivateTargets is off).");
