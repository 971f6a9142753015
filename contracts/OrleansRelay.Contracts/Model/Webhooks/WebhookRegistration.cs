namespace OrleansRelay.Contracts.Model.Webhooks;

/// <summary>A registered webhook endpoint.</summary>
/// <param name="Id">The webhook's id (<c>wh_…</c>), unique in the deployment.</param>
/// <param name="Scope">Whose events: <see cref="WebhookScopes.Device"/> or <see cref="WebhookScopes.Account"/>.</param>
/// <param name="Url">The endpoint (http or https).</param>
/// <param name="Events">Event kinds delivered: <see cref="DeviceEventKinds.Notification"/>, <see cref="DeviceEventKinds.Presence"/>.</param>
/// <param name="Secret">The signing secret (<c>whsec_</c> + base64 of 32 random bytes); shown to the caller only when created.</param>
/// <param name="CreatedAt">Events recorded before this are not delivered.</param>
[GenerateSerializer, Immutable, Alias("OrleansRelay.WebhookRegistration")]
public sealed record WebhookRegistration(
    [property: Id(0)] string Id,
    [property: Id(1)] string Scope,
    [property: Id(2)] string Url,
    [property: Id(3)] string[] Events,
    [property: Id(4)] string Secret,
    [property: Id(5)] DateTimeOffset CreatedAt);
