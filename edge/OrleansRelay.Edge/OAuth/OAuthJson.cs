using System.Text.Json.Serialization;
using OrleansRelay.Edge.Accounts;

namespace OrleansRelay.Edge.OAuth;

/// <summary><c>POST /v1/oauth/clients</c> body.</summary>
internal sealed record ClientRegistrationRequest(
    [property: JsonPropertyName("client_id")] string? ClientId,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("redirect_uris")] string[]? RedirectUris,
    [property: JsonPropertyName("public")] bool Public);

/// <summary>A registered client as operators see it (the secret only once, in the registration answer).</summary>
internal sealed record ClientView(
    [property: JsonPropertyName("client_id")] string ClientId,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("redirect_uris")] string[] RedirectUris,
    [property: JsonPropertyName("public")] bool Public,
    [property: JsonPropertyName("created")] DateTimeOffset Created,
    [property: JsonPropertyName("client_secret"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ClientSecret);

/// <summary><c>GET /v1/oauth/clients</c> answer.</summary>
internal sealed record ClientList([property: JsonPropertyName("clients")] ClientView[] Clients);

/// <summary><c>POST /v1/oauth/authorize/validate</c> body: the parameters of the authorization request.</summary>
internal sealed record AuthorizeCheckRequest(
    [property: JsonPropertyName("client_id")] string? ClientId,
    [property: JsonPropertyName("redirect_uri")] string? RedirectUri,
    [property: JsonPropertyName("response_type")] string? ResponseType,
    [property: JsonPropertyName("scope")] string? Scope,
    [property: JsonPropertyName("code_challenge")] string? CodeChallenge,
    [property: JsonPropertyName("code_challenge_method")] string? CodeChallengeMethod);

/// <summary><c>POST /v1/oauth/authorize/validate</c> answer: what the consent page shows.</summary>
internal sealed record AuthorizeCheckResponse(
    [property: JsonPropertyName("client_id")] string ClientId,
    [property: JsonPropertyName("client_name")] string ClientName,
    [property: JsonPropertyName("redirect_uri")] string RedirectUri,
    [property: JsonPropertyName("scopes")] string[] Scopes,
    [property: JsonPropertyName("devices")] DeviceListItem[] Devices);

/// <summary>One integration a user granted, as the user sees it (<c>GET /v1/oauth/grants</c>).</summary>
internal sealed record GrantView(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("client_id")] string ClientId,
    [property: JsonPropertyName("client_name")] string ClientName,
    [property: JsonPropertyName("devices")] string[] Devices,
    [property: JsonPropertyName("granted")] DateTimeOffset Granted);

/// <summary><c>GET /v1/oauth/grants</c> answer, newest first.</summary>
internal sealed record GrantList([property: JsonPropertyName("grants")] GrantView[] Grants);

[JsonSerializable(typeof(ClientRegistrationRequest))]
[JsonSerializable(typeof(GrantList))]
[JsonSerializable(typeof(ClientView))]
[JsonSerializable(typeof(ClientList))]
[JsonSerializable(typeof(AuthorizeCheckRequest))]
[JsonSerializable(typeof(AuthorizeCheckResponse))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class OAuthJsonContext : JsonSerializerContext;
