namespace OrleansRelay.Contracts.Model.OAuth;

/// <summary>An integration registered by an operator.</summary>
/// <param name="ClientId">The client's id (the grain key).</param>
/// <param name="Name">Shown to the user on the consent page.</param>
/// <param name="RedirectUris">The only redirect URIs authorization responses go to (exact match).</param>
/// <param name="Confidential">Whether the client authenticates with a secret at the token endpoint (else a public client: PKCE only).</param>
/// <param name="CreatedAt">When it was registered.</param>
[GenerateSerializer, Immutable, Alias("OrleansRelay.OAuthClient")]
public sealed record OAuthClient(
    [property: Id(0)] string ClientId,
    [property: Id(1)] string Name,
    [property: Id(2)] string[] RedirectUris,
    [property: Id(3)] bool Confidential,
    [property: Id(4)] DateTimeOffset CreatedAt);
