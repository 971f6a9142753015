namespace OrleansRelay.Edge.Accounts;

/// <summary>User tokens and sign-in throttling on the edge (section <c>Auth</c>).</summary>
public sealed record AuthOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Auth";

    /// <summary>
    /// Secret the edges sign user tokens with (HMAC-SHA256); every edge needs the same. Unset: derived from the
    /// operator key (<c>Edge:AdminKey</c>), which every edge of a deployment already shares.
    /// </summary>
    public string? SigningKey { get; init; }

    /// <summary>Lifetime of a token from <c>POST /v1/auth</c>.</summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Lifetime of a token from <c>POST /v1/auth</c> with <c>"remember": true</c>.</summary>
    public TimeSpan RememberLifetime { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Sign-in attempts (and other credential posts) allowed per client address per <see cref="SignInWindow"/>.</summary>
    public int SignInPermitLimit { get; init; } = 10;

    /// <summary>The window of <see cref="SignInPermitLimit"/>.</summary>
    public TimeSpan SignInWindow { get; init; } = TimeSpan.FromMinutes(1);
}
