namespace OrleansRelay.Contracts.Model.OAuth;

/// <summary>Outcome of redeeming an authorization code or a refresh token against its grant.</summary>
public enum OAuthRedemption
{
    /// <summary>Accepted: the code or refresh token is now used up and the new refresh token id is current.</summary>
    Accepted = 0,

    /// <summary>Presented a second time: treated as theft, the whole grant is revoked (RFC 6749 §4.1.2, RFC 9700 §4.14).</summary>
    Replayed = 1,

    /// <summary>The grant is revoked, expired or unknown.</summary>
    Inactive = 2,
}
