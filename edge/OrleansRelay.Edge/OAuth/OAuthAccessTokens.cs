using System.Security.Claims;
using OpenIddict.Abstractions;
using OpenIddict.Validation;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Edge.Accounts;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace OrleansRelay.Edge.OAuth;

/// <summary>
/// Turns an OAuth access token into the relay's principal: OpenIddict checks format, signature, encryption, issuer and
/// lifetime; the grant grain whether the consent still stands. The principal carries the user's address, the client
/// and the consented devices, and no session token id, so it can use the relay but never manage the account.
/// </summary>
internal sealed class OAuthAccessTokens
{
    private readonly OpenIddictValidationService _validation;
    private readonly IGrainFactory _grains;

    public OAuthAccessTokens(OpenIddictValidationService validation, IGrainFactory grains)
    {
        _validation = validation;
        _grains = grains;
    }

    /// <summary>The relay principal for <paramref name="token"/> and the token's expiry, or the reason it is refused.</summary>
    public async Task<(ClaimsPrincipal? Principal, DateTimeOffset Expires, string? Problem)> AuthenticateAsync(string token, CancellationToken cancellationToken)
    {
        ClaimsPrincipal principal;
        try
        {
            principal = await _validation.ValidateAccessTokenAsync(token, cancellationToken);
        }
        catch (OpenIddictExceptions.ProtocolException e)
        {
            return (null, default, $"neither a session token nor a valid OAuth access token ({e.Error}: {e.ErrorDescription})");
        }

        if (principal.GetClaim(Claims.Subject) is not { } email
            || principal.GetClaim(OAuthClaims.Grant) is not { } grantId
            || principal.GetClaim(Claims.ClientId) is not { } clientId)
        {
            return (null, default, "OAuth token lacks its subject, grant or client");
        }

        if (!await _grains.GetGrain<IOAuthGrantGrain>(grantId).IsActive())
        {
            return (null, default, "OAuth grant revoked");
        }

        var claims = new List<Claim>
        {
            new(RelayClaims.Email, email),
            new(OAuthClaims.Client, clientId),
            new(OAuthClaims.Grant, grantId),
        };
        claims.AddRange(principal.GetClaims(OAuthClaims.Device).Select(device => new Claim(OAuthClaims.Device, device)));
        var expires = principal.GetExpirationDate() ?? DateTimeOffset.MinValue;
        return (new ClaimsPrincipal(new ClaimsIdentity(claims, RelayClaims.Scheme, RelayClaims.Email, ClaimTypes.Role)), expires, null);
    }
}
