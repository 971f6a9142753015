using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model.OAuth;
using OrleansRelay.Edge.Accounts;
using OrleansRelay.Edge.Http;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace OrleansRelay.Edge.OAuth;

/// <summary>
/// The authorization endpoint. OpenIddict validates every request first (client, registered redirect URI, PKCE,
/// response type, scopes); then <c>GET</c> shows the consent page, <c>POST /v1/oauth/authorize/validate</c> tells that
/// page what is asked and which devices the user can choose, and <c>POST</c> records the user's consent for the chosen
/// devices and redirects back to the client with a single-use code.
/// </summary>
internal static partial class AuthorizeEndpoints
{
    public const string Path = "/v1/oauth/authorize";

    /// <summary>Devices one consent may name (each is checked with a grain call; the token carries them all).</summary>
    public const int MaxDevicesPerGrant = 100;

    public static void MapAuthorize(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Path, (HttpContext context) => DashboardEndpoints.ServeAsync(context, "consent.html"));
        routes.MapPost(Path, ConsentAsync).RequireAuthorization(RelayClaims.UserPolicy).DisableAntiforgery();
        routes.MapPost(Path + "/validate", CheckAsync).RequireAuthorization(RelayClaims.UserPolicy);
    }

    private static async Task<IResult> ConsentAsync(
        HttpContext context, IGrainFactory grains, DeviceAccess access, TimeProvider time, IOptions<OAuthOptions> options, ILoggerFactory loggers)
    {
        var request = context.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("OpenIddict did not handle the authorization request.");
        var logger = loggers.CreateLogger(typeof(AuthorizeEndpoints));
        var email = DeviceAccess.Email(context.User)!;
        if (!context.Request.HasFormContentType)
        {
            return RelayErrors.Json(StatusCodes.Status415UnsupportedMediaType, "Consent is a form post (application/x-www-form-urlencoded).");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (string.Equals(form["decision"], "deny", StringComparison.Ordinal))
        {
            Log.Denied(logger, request.ClientId, email);
            return OAuthPrincipals.Refuse(Errors.AccessDenied, "The user denied the request.");
        }

        var devices = form["device"].OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        if (devices.Length is 0 or > MaxDevicesPerGrant)
        {
            return RelayErrors.Json(StatusCodes.Status400BadRequest, $"Choose 1 to {MaxDevicesPerGrant} devices (form field \"device\").");
        }

        foreach (var device in devices)
        {
            if (!await access.CanAccessAsync(context.User, device))
            {
                return RelayErrors.Json(StatusCodes.Status404NotFound, "Unknown device.");
            }
        }

        var grantId = Guid.NewGuid().ToString("N");
        var codeId = Guid.NewGuid().ToString("N");
        var generation = long.Parse(context.User.FindFirst(RelayClaims.Generation)!.Value, System.Globalization.CultureInfo.InvariantCulture);
        await grains.GetGrain<IOAuthGrantGrain>(grantId).Create(new OAuthGrant(
            request.ClientId!, email, devices, generation, codeId, time.GetUtcNow() + options.Value.AuthorizationCodeLifetime) { GrantedAt = time.GetUtcNow() });
        Log.Consented(logger, request.ClientId, email, devices.Length, grantId);
        var principal = OAuthPrincipals.Create(email, grantId, devices, GrantedScopes(request), new(OAuthClaims.CodeId, codeId));
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> CheckAsync(HttpContext context, OAuthClients clients, DeviceLister lister)
    {
        var request = await AccountEndpoints.ReadAsync(context, OAuthJsonContext.Default.AuthorizeCheckRequest);

        if (request is null)
        {
            return RelayErrors.Json(StatusCodes.Status400BadRequest, "The body must be JSON with the authorization request's parameters.");
        }

        var client = await clients.FindAsync(request.ClientId);
        var problem = OAuthClients.RedirectProblem(client, request.RedirectUri)
            ?? (request.ResponseType != ResponseTypes.Code ? "The response_type must be \"code\"." : null)
            ?? (string.IsNullOrEmpty(request.CodeChallenge) || request.CodeChallengeMethod != CodeChallengeMethods.Sha256
                ? "PKCE is required: code_challenge with code_challenge_method S256."
                : null);
        if (problem is not null)
        {
            return RelayErrors.Json(StatusCodes.Status400BadRequest, problem);
        }

        var scopes = (request.Scope ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return Results.Json(
            new AuthorizeCheckResponse(client!.ClientId, client.Name, request.RedirectUri!, GrantedScopes(scopes), await lister.ListAsync(DeviceAccess.Email(context.User)!)),
            OAuthJsonContext.Default.AuthorizeCheckResponse);
    }

    /// <summary>The scopes a consent grants: always <c>devices</c>, and <c>offline_access</c> (refresh tokens) when asked for.</summary>
    private static string[] GrantedScopes(OpenIddictRequest request) => GrantedScopes(request.GetScopes());

    private static string[] GrantedScopes(IEnumerable<string> requested) =>
        requested.Contains(Scopes.OfflineAccess, StringComparer.Ordinal)
            ? [OAuthClaims.DevicesScope, Scopes.OfflineAccess]
            : [OAuthClaims.DevicesScope];

    private static partial class Log
    {
        [LoggerMessage(4310, LogLevel.Information, "OAuth consent: {Email} lets client {ClientId} reach {DeviceCount} device(s) (grant {GrantId})")]
        public static partial void Consented(ILogger logger, string? clientId, string email, int deviceCount, string grantId);

        [LoggerMessage(4311, LogLevel.Information, "OAuth consent denied by {Email} for client {ClientId}")]
        public static partial void Denied(ILogger logger, string? clientId, string email);
    }
}
