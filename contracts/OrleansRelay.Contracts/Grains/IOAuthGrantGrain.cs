using Orleans.Concurrency;
using OrleansRelay.Contracts.Model.OAuth;

namespace OrleansRelay.Contracts.Grains;

/// <summary>
/// One consent (keyed by a fresh grant id): which client may reach which of a user's devices. It makes authorization
/// codes single-use and refresh tokens rotating with replay detection, and every token issued under it dies with it.
/// </summary>
[Alias("OrleansRelay.IOAuthGrantGrain")]
public interface IOAuthGrantGrain : IGrainWithStringKey
{
    /// <summary>Records the consent when the authorization code is issued.</summary>
    [Alias("Create")]
    ValueTask Create(OAuthGrant grant);

    /// <summary>Redeems the authorization code <paramref name="codeId"/>; on success <paramref name="refreshId"/> becomes the current refresh token.</summary>
    [Alias("RedeemCode")]
    ValueTask<OAuthRedemption> RedeemCode(string codeId, string refreshId);

    /// <summary>Rotates the refresh token: <paramref name="presentedId"/> must be the current one; <paramref name="nextId"/> replaces it.</summary>
    [Alias("Refresh")]
    ValueTask<OAuthRedemption> Refresh(string presentedId, string nextId);

    /// <summary>Whether tokens of this grant are still good (not revoked, client still registered, password unchanged).</summary>
    [Alias("IsActive")]
    [AlwaysInterleave]
    ValueTask<bool> IsActive();

    /// <summary>The consent, or null when unknown.</summary>
    [Alias("Get")]
    [AlwaysInterleave]
    ValueTask<OAuthGrant?> Get();

    /// <summary>Revokes the grant and every token issued under it.</summary>
    [Alias("Revoke")]
    ValueTask Revoke();
}
