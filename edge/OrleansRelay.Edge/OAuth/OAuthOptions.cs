namespace OrleansRelay.Edge.OAuth;

/// <summary>OAuth 2 for integrations (section <c>OAuth</c>).</summary>
public sealed record OAuthOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "OAuth";

    /// <summary>
    /// The issuer named in every token. Every edge of a deployment must use the same value (tokens from one edge are
    /// checked on another); set it to the public base URL of the API, e.g. <c>https://relay.example.com/</c>.
    /// </summary>
    public Uri Issuer { get; init; } = new("https://orleansrelay.local/");

    /// <summary>How long an authorization code can be exchanged.</summary>
    public TimeSpan AuthorizationCodeLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Lifetime of an access token.</summary>
    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Lifetime of a refresh token (each refresh returns a new one; the old one is then used up).</summary>
    public TimeSpan RefreshTokenLifetime { get; init; } = TimeSpan.FromDays(30);
}
