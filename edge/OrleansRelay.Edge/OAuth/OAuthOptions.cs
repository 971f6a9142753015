namespace OrleansRelay.Edge.OAuth;

/// <summary>OAuth 2 for integrations (section <c>OAuth</c>).</summary>
public sealed record OAuthOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "OAuth";

    /// <summary>
    /// The issuer named in every token and in the discovery document. Unset (the default), it is the public base URL
    /// of the API, <c>Accounts:PublicUrl</c>, where the metadata is served (RFC 8414 §3.3 wants the two equal; strict
    /// clients refuse a document whose issuer differs). When set, it must name the same URL, or the edge refuses to
    /// start. Every edge of a deployment must use the same value (tokens from one edge are checked on another).
    /// </summary>
    public Uri? Issuer { get; init; }

    /// <summary>How long an authorization code can be exchanged.</summary>
    public TimeSpan AuthorizationCodeLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Lifetime of an access token.</summary>
    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Lifetime of a refresh token (each refresh returns a new one; the old one is then used up).</summary>
    public TimeSpan RefreshTokenLifetime { get; init; } = TimeSpan.FromDays(30);
}
