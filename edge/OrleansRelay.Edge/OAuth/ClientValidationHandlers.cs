using Microsoft.Extensions.Logging;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace OrleansRelay.Edge.OAuth;

/// <summary>
/// Client checks OpenIddict leaves to the host in degraded mode (clients live in Orleans grains, not in OpenIddict's
/// stores): the client of an authorization request exists and names a registered redirect URI (an error is then
/// shown, never redirected to an unregistered URI); clients at the token, introspection and revocation endpoints
/// authenticate.
/// </summary>
internal sealed partial class ClientValidationHandlers :
    IOpenIddictServerHandler<ValidateAuthorizationRequestContext>,
    IOpenIddictServerHandler<ValidateTokenRequestContext>,
    IOpenIddictServerHandler<ValidateIntrospectionRequestContext>,
    IOpenIddictServerHandler<ValidateRevocationRequestContext>
{
    private readonly OAuthClients _clients;
    private readonly ILogger<ClientValidationHandlers> _logger;

    public ClientValidationHandlers(OAuthClients clients, ILogger<ClientValidationHandlers> logger)
    {
        _clients = clients;
        _logger = logger;
    }

    public async ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
    {
        var problem = OAuthClients.RedirectProblem(await _clients.FindAsync(context.ClientId), context.RedirectUri);
        if (problem is not null)
        {
            Log.Refused(_logger, "authorization", context.ClientId, problem);
            // invalid_request, not invalid_client: the user's browser is here, and a 400 page (never a redirect) is right.
            context.Reject(error: Errors.InvalidRequest, description: problem);
        }
    }

    public ValueTask HandleAsync(ValidateTokenRequestContext context) => AuthenticateAsync(context, "token", context.ClientId, context.ClientSecret);

    public ValueTask HandleAsync(ValidateIntrospectionRequestContext context) => AuthenticateAsync(context, "introspection", context.ClientId, context.ClientSecret);

    public ValueTask HandleAsync(ValidateRevocationRequestContext context) => AuthenticateAsync(context, "revocation", context.ClientId, context.ClientSecret);

    private async ValueTask AuthenticateAsync(BaseValidatingContext context, string endpoint, string? clientId, string? secret)
    {
        if (await _clients.AuthenticationProblemAsync(clientId, secret) is { } problem)
        {
            Log.Refused(_logger, endpoint, clientId, problem);
            context.Reject(error: Errors.InvalidClient, description: problem);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(4300, LogLevel.Warning, "OAuth {Endpoint} request of client {ClientId} refused: {Problem}")]
        public static partial void Refused(ILogger logger, string endpoint, string? clientId, string problem);
    }
}
