using System.Text.Json;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OrleansRelay.Contracts.Grains;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace OrleansRelay.Edge.OAuth;

/// <summary>
/// <c>POST /v1/oauth/token/validate</c> (RFC 7662): a token whose grant was revoked is reported inactive although its
/// signature and lifetime still check out; an active one also lists its consented devices.
/// </summary>
internal sealed class IntrospectionHandler : IOpenIddictServerHandler<HandleIntrospectionRequestContext>
{
    private readonly IGrainFactory _grains;

    public IntrospectionHandler(IGrainFactory grains)
    {
        _grains = grains;
    }

    public async ValueTask HandleAsync(HandleIntrospectionRequestContext context)
    {
        var principal = context.GenericTokenPrincipal;
        if (principal?.GetClaim(OAuthClaims.Grant) is not { } grantId || !await _grains.GetGrain<IOAuthGrantGrain>(grantId).IsActive())
        {
            context.Reject(error: Errors.InvalidToken, description: "The token's grant is no longer active.");
            return;
        }

        var devices = principal.GetClaims(OAuthClaims.Device);
        context.Claims["devices"] = new OpenIddictParameter(JsonSerializer.SerializeToElement(devices.ToArray(), OAuthJsonContext.Default.StringArray));
    }
}
