using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Edge.Hosting;
using OrleansRelay.Edge.Http;
using OrleansRelay.Edge.OAuth;
using OrleansRelay.Silo.Hosting;

namespace OrleansRelay.Edge.Accounts;

/// <summary>
/// The relay's one authentication scheme. The operator key (<c>X-Admin-Key</c>, or as a bearer token) makes an
/// operator; any other bearer token must be a user session token whose signature, expiry and generation check out (the
/// last against the account grain, so revocation takes effect on every edge at once), or an OAuth access token of a
/// grant that still stands (<see cref="OAuthAccessTokens"/>); a token that passed once is remembered until revoked
/// (<see cref="CredentialCache"/>). Challenges answer 401 with the
/// contract's body; forbidden answers 404, so a caller learns nothing about device ids that are not theirs.
/// </summary>
internal sealed partial class RelayAuthenticationHandler : AuthenticationHandler<AuthenticationSchemeOptions>
{
    private readonly OperatorKey _operatorKey;
    private readonly TokenService _tokens;
    private readonly IGrainFactory _grains;
    private readonly OAuthAccessTokens _oauthTokens;
    private readonly CredentialCache _cache;

    public RelayAuthenticationHandler(
        IOptionsMonitor<AuthenticationSchemeOptions> options,
        ILoggerFactory logger,
        UrlEncoder encoder,
        OperatorKey operatorKey,
        TokenService tokens,
        IGrainFactory grains,
        OAuthAccessTokens oauthTokens,
        CredentialCache cache)
        : base(options, logger, encoder)
    {
        _cache = cache;
        _oauthTokens = oauthTokens;
        _operatorKey = operatorKey;
        _tokens = tokens;
        _grains = grains;
    }

    /// <summary>Where a token may come as the <c>access_token</c> query parameter (SignalR over WebSockets).</summary>
    private static readonly PathString HubTokenPath = "/hubs";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var adminKey = Request.Headers[OperatorKey.HeaderName].ToString();
        if (adminKey.Length > 0)
        {
            return _operatorKey.Matches(adminKey) ? Operator() : Refuse("operator key does not match");
        }

        var authorization = Request.Headers.Authorization.ToString();
        string bearer;
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            bearer = authorization["Bearer ".Length..].Trim();
        }
        else if (Request.Path.StartsWithSegments(HubTokenPath) && Request.Query["access_token"].ToString() is { Length: > 0 } queryToken)
        {
            // Browsers cannot set headers on WebSocket requests: SignalR clients send the token in the query there.
            bearer = queryToken;
        }
        else if (Request.Path.Equals(AuthorizeEndpoints.Path) && HttpMethods.IsPost(Request.Method) && Request.HasFormContentType
            && (await Request.ReadFormAsync(Context.RequestAborted))["access_token"].ToString() is { Length: > 0 } formToken)
        {
            // The consent page posts a plain HTML form (so the browser follows the redirect back to the client).
            bearer = formToken;
        }
        else
        {
            return AuthenticateResult.NoResult();
        }

        // A token checked before first: it is a user's or an OAuth client's, never the operator key, and the lookup
        // spares the key's hash (a SHA-256 of the whole token) on every request of a signed-in caller.
        if (_cache.Find(bearer) is { } known)
        {
            return AuthenticateResult.Success(new AuthenticationTicket(known, RelayClaims.Scheme));
        }

        if (_operatorKey.Matches(bearer))
        {
            return Operator();
        }

        // Checked in full once, then remembered until revoked (CredentialCache): the mark catches a revocation that
        // arrives while this check reads the grains.
        var mark = _cache.Mark();
        var token = await _tokens.ValidateAsync(bearer);
        if (token is null)
        {
            // Not a session token: perhaps an OAuth client's access token.
            var (principal, expires, problem) = await _oauthTokens.AuthenticateAsync(bearer, Context.RequestAborted);
            if (principal is null)
            {
                return Refuse(problem!);
            }

            _cache.Add(bearer, principal.FindFirst(RelayClaims.Email)!.Value, principal, expires, mark);
            return AuthenticateResult.Success(new AuthenticationTicket(principal, RelayClaims.Scheme));
        }

        if (!await _grains.GetGrain<IAccountGrain>(token.Email).IsTokenValid(token.TokenId, token.Generation))
        {
            return Refuse("token revoked");
        }

        var user = token.ToPrincipal();
        _cache.Add(bearer, token.Email, user, token.Expires, mark);
        return AuthenticateResult.Success(new AuthenticationTicket(user, RelayClaims.Scheme));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        await RelayErrors.Json(StatusCodes.Status401Unauthorized, "Unauthorized").ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        RelayErrors.Json(StatusCodes.Status404NotFound, "Unknown device.").ExecuteAsync(Context);

    private static AuthenticateResult Operator() => AuthenticateResult.Success(new AuthenticationTicket(
        new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Role, RelayClaims.OperatorRole)], RelayClaims.Scheme)),
        RelayClaims.Scheme));

    private AuthenticateResult Refuse(string reason)
    {
        Log.Refused(Logger, Request.Method, Request.Path, Context.Connection.RemoteIpAddress?.ToString(), reason);
        return AuthenticateResult.Fail(reason);
    }

    private static partial class Log
    {
        [LoggerMessage(4100, LogLevel.Warning, "Credentials refused for {Method} {Path} from {RemoteIp}: {Reason}")]
        public static partial void Refused(ILogger logger, string method, PathString path, string? remoteIp, string reason);
    }
}
