using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace OrleansRelay.Edge.OAuth;

/// <summary>What the relay hands OpenIddict to issue, and how it refuses.</summary>
internal static class OAuthPrincipals
{
    /// <summary>
    /// The principal of a code or token of grant <paramref name="grantId"/>. The subject, grant and devices go into
    /// access tokens; <paramref name="privateClaim"/> (the code id or refresh token id) only into the code or refresh
    /// token itself, which OpenIddict encrypts.
    /// </summary>
    public static ClaimsPrincipal Create(string email, string grantId, IEnumerable<string> devices, IEnumerable<string> scopes, Claim privateClaim)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, email);
        identity.SetClaim(OAuthClaims.Grant, grantId);
        identity.SetClaims(OAuthClaims.Device, [.. devices]);
        identity.AddClaim(privateClaim);
        identity.SetScopes(scopes);
        identity.SetDestinations(claim => claim.Type is Claims.Subject or OAuthClaims.Grant or OAuthClaims.Device
            ? [Destinations.AccessToken]
            : []);
        return new ClaimsPrincipal(identity);
    }

    /// <summary>An OAuth error answer (<paramref name="error"/> as in RFC 6749 §5.2), rendered by OpenIddict.</summary>
    public static IResult Refuse(string error, string description) => Results.Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }),
        [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
