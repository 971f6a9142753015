using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model.OAuth;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace OrleansRelay.Edge.OAuth;

/// <summary>
/// <c>POST /v1/oauth/token</c>. OpenIddict has already authenticated the client and checked the code or refresh token
/// (signature, lifetime, client, redirect URI, PKCE verifier); the grant grain then makes the code single-use and the
/// refresh token rotating, revoking the grant when either is presented twice.
/// </summary>
internal static partial class TokenEndpoint
{
    public const string Path = "/v1/oauth/token";

    public static void MapToken(this IEndpointRouteBuilder routes) => routes.MapPost(Path, ExchangeAsync).DisableAntiforgery();

    private static async Task<IResult> ExchangeAsync(HttpContext context, IGrainFactory grains, ILoggerFactory loggers)
    {
        var request = context.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("OpenIddict did not handle the token request.");
        var logger = loggers.CreateLogger(typeof(TokenEndpoint));
        var isCode = request.IsAuthorizationCodeGrantType();
        if (!isCode && !request.IsRefreshTokenGrantType())
        {
            return OAuthPrincipals.Refuse(Errors.UnsupportedGrantType, "Only authorization_code and refresh_token grants are supported.");
        }

        var presented = (await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
        if (presented?.GetClaim(OAuthClaims.Grant) is not { } grantId
            || presented.GetClaim(Claims.Subject) is not { } email
            || presented.GetClaim(isCode ? OAuthClaims.CodeId : OAuthClaims.RefreshId) is not { } presentedId)
        {
            return OAuthPrincipals.Refuse(Errors.InvalidGrant, "The grant is not one this relay issued.");
        }

        var grant = grains.GetGrain<IOAuthGrantGrain>(grantId);
        var nextRefreshId = Guid.NewGuid().ToString("N");
        var redemption = isCode ? await grant.RedeemCode(presentedId, nextRefreshId) : await grant.Refresh(presentedId, nextRefreshId);
        if (redemption != OAuthRedemption.Accepted || !await grant.IsActive())
        {
            Log.Refused(logger, request.GrantType, request.ClientId, grantId, redemption);
            return OAuthPrincipals.Refuse(
                Errors.InvalidGrant,
                redemption == OAuthRedemption.Replayed
                    ? "The code or refresh token was already used: the grant is revoked."
                    : "The grant is no longer active.");
        }

        var principal = OAuthPrincipals.Create(email, grantId, presented.GetClaims(OAuthClaims.Device), presented.GetScopes(), new(OAuthClaims.RefreshId, nextRefreshId));
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static partial class Log
    {
        [LoggerMessage(4320, LogLevel.Warning, "OAuth {GrantType} exchange of client {ClientId} refused for grant {GrantId}: {Redemption}")]
        public static partial void Refused(ILogger logger, string? grantType, string? clientId, string grantId, OAuthRedemption redemption);
    }
}
