using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model.OAuth;
using OrleansRelay.Edge.Accounts;
using OrleansRelay.Edge.Http;

namespace OrleansRelay.Edge.OAuth;

/// <summary>Operator API (admin key): register, list and delete OAuth clients.</summary>
internal static class OAuthClientEndpoints
{
    private const int MaxRedirectUris = 10;

    public static void MapOAuthClients(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/oauth/clients")
            .AddEndpointFilter<AdminKeyFilter>()
            .AddEndpointFilter<RegistryUnavailableFilter>();
        group.MapPost("/", RegisterAsync);
        group.MapGet("/", ListAsync);
        group.MapDelete("/{clientId}", DeleteAsync);
    }

    private static async Task<IResult> RegisterAsync(HttpContext context, IGrainFactory grains, TimeProvider time)
    {
        var request = await AccountEndpoints.ReadAsync(context, OAuthJsonContext.Default.ClientRegistrationRequest);

        if (request is null || string.IsNullOrWhiteSpace(request.Name) || request.RedirectUris is not { Length: > 0 and <= MaxRedirectUris } uris)
        {
            return RelayErrors.Json(StatusCodes.Status400BadRequest, $"The body must be JSON: {{\"name\", \"redirect_uris\": [1..{MaxRedirectUris} absolute URIs], \"public\", \"client_id\"?}}.");
        }

        if (uris.FirstOrDefault(u => !IsAcceptableRedirect(u)) is { } bad)
        {
            return RelayErrors.Json(StatusCodes.Status400BadRequest, $"Redirect URI \"{bad}\" must be absolute https (or http on a loopback address), without a fragment.");
        }

        var clientId = request.ClientId ?? "client-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        if (clientId.Length is 0 or > 128 || !clientId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            return RelayErrors.Json(StatusCodes.Status400BadRequest, "The client_id must be 1-128 characters of letters, digits, '-', '_' or '.'.");
        }

        var secret = request.Public ? null : Base64Url(RandomNumberGenerator.GetBytes(32));
        var client = new OAuthClient(clientId, request.Name.Trim(), uris, !request.Public, time.GetUtcNow());
        if (!await grains.GetGrain<IOAuthClientGrain>(clientId).Register(client, secret is null ? null : OAuthClients.HashSecret(secret)))
        {
            return RelayErrors.Json(StatusCodes.Status409Conflict, "That client_id is already registered.");
        }

        context.Response.Headers.CacheControl = "no-store";
        return Results.Json(View(client, secret), OAuthJsonContext.Default.ClientView, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListAsync(IGrainFactory grains)
    {
        var ids = await grains.GetGrain<IOAuthClientDirectoryGrain>(IOAuthClientDirectoryGrain.Key).List();
        var clients = await Task.WhenAll(ids.Select(id => grains.GetGrain<IOAuthClientGrain>(id).Get().AsTask()));
        return Results.Json(new ClientList([.. clients.OfType<OAuthClient>().Select(c => View(c, null))]), OAuthJsonContext.Default.ClientList);
    }

    private static async Task<IResult> DeleteAsync(string clientId, IGrainFactory grains) =>
        clientId.Length <= 128 && await grains.GetGrain<IOAuthClientGrain>(clientId).Delete()
            ? Results.NoContent()
            : RelayErrors.Json(StatusCodes.Status404NotFound, "Unknown client.");

    private static bool IsAcceptableRedirect(string uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var parsed)
        && string.IsNullOrEmpty(parsed.Fragment)
        && (parsed.Scheme == Uri.UriSchemeHttps || (parsed.Scheme == Uri.UriSchemeHttp && parsed.IsLoopback));

    private static ClientView View(OAuthClient client, string? secret) =>
        new(client.ClientId, client.Name, client.RedirectUris, !client.Confidential, client.CreatedAt, secret);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
