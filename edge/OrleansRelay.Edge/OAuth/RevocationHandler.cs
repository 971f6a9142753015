using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OrleansRelay.Contracts.Grains;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace OrleansRelay.Edge.OAuth;

/// <summary>
/// <c>POST /v1/oauth/revoke</c> (RFC 7009). OpenIddict has authenticated the client and checked that the token is
/// this client's; codes and tokens are self-contained (nothing is stored per token), so revoking one revokes its grant:
/// every access and refresh token issued under it stops working on every edge at once.
/// </summary>
internal sealed partial class RevocationHandler : IOpenIddictServerHandler<HandleRevocationRequestContext>
{
    private readonly IGrainFactory _grains;
    private readonly ILogger<RevocationHandler> _logger;

    public RevocationHandler(IGrainFactory grains, ILogger<RevocationHandler> logger)
    {
        _grains = grains;
        _logger = logger;
    }

    public async ValueTask HandleAsync(HandleRevocationRequestContext context)
    {
        if (context.GenericTokenPrincipal?.GetClaim(OAuthClaims.Grant) is { } grantId)
        {
            await _grains.GetGrain<IOAuthGrantGrain>(grantId).Revoke();
            Log.Revoked(_logger, grantId, context.Request.ClientId);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(4331, LogLevel.Information, "OAuth grant {GrantId} revoked by its client {ClientId} (token revocation)")]
        public static partial void Revoked(ILogger logger, string grantId, string? clientId);
    }
}
