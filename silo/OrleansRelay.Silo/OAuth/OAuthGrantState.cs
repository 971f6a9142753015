using OrleansRelay.Contracts.Model.OAuth;

namespace OrleansRelay.Silo.OAuth;

/// <summary>The persisted state of one consent.</summary>
[GenerateSerializer, Alias("OrleansRelay.OAuthGrantState")]
public sealed class OAuthGrantState
{
    /// <summary>The consent; null until created.</summary>
    [Id(0)]
    public OAuthGrant? Grant { get; set; }

    /// <summary>Whether the authorization code was redeemed.</summary>
    [Id(1)]
    public bool CodeRedeemed { get; set; }

    /// <summary>The id of the one refresh token that can be used next.</summary>
    [Id(2)]
    public string? CurrentRefreshId { get; set; }

    /// <summary>Refresh token ids already rotated out: presenting one again revokes the grant.</summary>
    [Id(3)]
    public HashSet<string> UsedRefreshIds { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Whether the grant was revoked (by replay detection, the user or the operator).</summary>
    [Id(4)]
    public bool Revoked { get; set; }
}
