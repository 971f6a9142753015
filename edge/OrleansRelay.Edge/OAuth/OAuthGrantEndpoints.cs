using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Edge.Accounts;
using OrleansRelay.Edge.Http;

namespace OrleansRelay.Edge.OAuth;

/// <summary>
/// A signed-in user's integrations: <c>GET /v1/oauth/grants</c> lists the grants that still stand, <c>DELETE
/// /v1/oauth/grants/{id}</c> revokes one, and with it every code and token issued under it, on every edge at once
/// (the revocation is pushed to every edge's credential cache before the call returns). Session tokens only: an integration cannot list or revoke grants.
/// </summary>
internal static partial class OAuthGrantEndpoints
{
    public const string Path = "/v1/oauth/grants";

    public static void MapOAuthGrants(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(Path).RequireAuthorization(RelayClaims.UserPolicy);
        group.MapGet("/", ListAsync);
        group.MapDelete("/{grantId}", RevokeAsync);
    }

    private static async Task<IResult> ListAsync(HttpContext context, IGrainFactory grains, OAuthClients clients)
    {
        var email = DeviceAccess.Email(context.User)!;
        var index = grains.GetGrain<IOAuthUserGrantsGrain>(email);
        var ids = await index.List();
        var lookups = ids.Select(id => DescribeAsync(grains, clients, id)).ToArray();
        var views = new List<GrantView>();
        foreach (var (id, lookup) in ids.Zip(lookups))
        {
            if (await lookup is { } view)
            {
                views.Add(view);
            }
            else
            {
                // Inactive (password changed, client deleted, replay detected): no longer listed.
                await index.Remove(id);
            }
        }

        return Results.Json(new GrantList([.. views.OrderByDescending(v => v.Granted)]), OAuthJsonContext.Default.GrantList);
    }

    private static async Task<GrantView?> DescribeAsync(IGrainFactory grains, OAuthClients clients, string grantId)
    {
        var grant = grains.GetGrain<IOAuthGrantGrain>(grantId);
        if (await grant.Get() is not { } consent || !await grant.IsActive())
        {
            return null;
        }

        var client = await clients.FindAsync(consent.ClientId);
        return new GrantView(grantId, consent.ClientId, client?.Name ?? consent.ClientId, consent.Devices, consent.GrantedAt);
    }

    private static async Task<IResult> RevokeAsync(string grantId, HttpContext context, IGrainFactory grains, ILoggerFactory loggers)
    {
        var email = DeviceAccess.Email(context.User)!;
        var grant = grains.GetGrain<IOAuthGrantGrain>(grantId);
        if (grantId.Length > 64 || await grant.Get() is not { } consent || !string.Equals(consent.Email, email, StringComparison.Ordinal))
        {
            // Someone else's grant answers like an unknown one.
            return RelayErrors.Json(StatusCodes.Status404NotFound, "Unknown grant.");
        }

        await grant.Revoke();
        Log.Revoked(loggers.CreateLogger(typeof(OAuthGrantEndpoints)), email, consent.ClientId, grantId);
        return Results.NoContent();
    }

    private static partial class Log
    {
        [LoggerMessage(4330, LogLevel.Information, "OAuth grant {GrantId} of client {ClientId} revoked by its user {Email}")]
        public static partial void Revoked(ILogger logger, string email, string clientId, string grantId);
    }
}
