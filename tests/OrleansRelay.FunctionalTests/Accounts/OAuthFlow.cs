using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.Accounts;

/// <summary>
/// The OAuth flow as the tests drive it over HTTP: a user with two devices, a registered client, PKCE, the consent
/// form the consent page posts, the token and introspection endpoints.
/// </summary>
internal static class OAuthFlow
{
    public const string RedirectUri = "https://integration.example/callback";

    /// <summary>The issuer of an edge with no <c>OAuth:Issuer</c> and the default <c>Accounts:PublicUrl</c>.</summary>
    public const string DefaultIssuer = "http://127.0.0.1:5080/";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal sealed record User(string Email, string Token, string Consented, string Other);

    internal sealed record RegisteredClient(string Id, string? Secret);

    internal static async Task<User> UserWithTwoDevicesAsync(AccountFixture fixture, string who)
    {
        var (email, first, _) = await fixture.ConfirmedDeviceAsync(who);
        var (second, _, _, _) = await fixture.ConnectDeviceAsync(email);
        using var anonymous = AccountFixture.Anonymous(fixture.EdgeA);
        var token = await AccountFixture.SignInAsync(anonymous, email);
        using var session = AccountFixture.Anonymous(fixture.EdgeA, token);
        await Eventually.TrueAsync(
            async () =>
            {
                using var list = await session.GetAsync("/v1/devices/list", Ct);
                return (await list.Content.ReadAsStringAsync(Ct)).Contains(second, StringComparison.Ordinal);
            },
            "the second device listed");
        return new User(email, token, first, second);
    }

    internal static async Task<RegisteredClient> RegisterClientAsync(AccountFixture fixture, bool isPublic)
    {
        using var admin = Admin(fixture.EdgeA);
        using var response = await admin.PostAsJsonAsync("/v1/oauth/clients", new { name = "Test integration", redirect_uris = new[] { RedirectUri }, @public = isPublic }, Ct);
        var body = await JsonAsync(response, HttpStatusCode.Created);
        var secret = body.TryGetProperty("client_secret", out var s) ? s.GetString() : null;
        Assert.Equal(isPublic, secret is null);
        return new RegisteredClient(body.GetProperty("client_id").GetString()!, secret);
    }

    internal static HttpClient Admin(TestEdge edge)
    {
        var client = AccountFixture.Anonymous(edge);
        client.DefaultRequestHeaders.Add("X-Admin-Key", TestEdge.AdminKey);
        return client;
    }

    internal static (string Verifier, string Challenge) Pkce()
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    internal static string AuthorizeQuery(string clientId, string challenge, string scope) =>
        $"/v1/oauth/authorize?response_type=code&client_id={Uri.EscapeDataString(clientId)}&redirect_uri={Uri.EscapeDataString(RedirectUri)}"
        + $"&scope={Uri.EscapeDataString(scope)}&state=xyz&code_challenge={challenge}&code_challenge_method=S256";

    internal static FormUrlEncodedContent ConsentForm(string? userToken, string clientId, string challenge, string scope, string decision, params string[] devices)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("response_type", "code"), new("client_id", clientId), new("redirect_uri", RedirectUri), new("scope", scope),
            new("state", "xyz"), new("code_challenge", challenge), new("code_challenge_method", "S256"), new("decision", decision),
        };
        if (userToken is not null)
        {
            fields.Add(new("access_token", userToken));
        }

        fields.AddRange(devices.Select(d => new KeyValuePair<string, string>("device", d)));
        return new FormUrlEncodedContent(fields);
    }

    /// <summary>Posts the consent form as the page does and returns the code from the redirect back to the client.</summary>
    internal static async Task<string> ConsentAsync(HttpClient anonymous, string userToken, string clientId, string challenge, string scope, params string[] devices)
    {
        using var response = await anonymous.PostAsync("/v1/oauth/authorize", ConsentForm(userToken, clientId, challenge, scope, "allow", devices), Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"consent: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        var location = response.Headers.Location!;
        Assert.StartsWith(RedirectUri + "?", location.ToString(), StringComparison.Ordinal);
        var query = System.Web.HttpUtility.ParseQueryString(location.Query);
        Assert.Equal("xyz", query["state"]);
        // RFC 9207: the issuer comes back with the code, and it is the edge's public URL (the default issuer).
        Assert.Equal(DefaultIssuer, query["iss"]);
        return query["code"]!;
    }

    internal static Dictionary<string, string> CodeExchange(string code, string verifier) => new()
    {
        ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = RedirectUri, ["code_verifier"] = verifier,
    };

    internal static Task<JsonElement> ExchangeCodeAsync(TestEdge edge, RegisteredClient client, string code, string verifier) =>
        TokenAsync(edge, client, CodeExchange(code, verifier), HttpStatusCode.OK);

    internal static async Task<JsonElement> TokenAsync(TestEdge edge, RegisteredClient client, Dictionary<string, string> fields, HttpStatusCode expected)
    {
        fields["client_id"] = client.Id;
        if (client.Secret is not null)
        {
            fields["client_secret"] = client.Secret;
        }

        using var anonymous = AccountFixture.Anonymous(edge);
        using var response = await anonymous.PostAsync("/v1/oauth/token", new FormUrlEncodedContent(fields), Ct);
        return await JsonAsync(response, expected);
    }

    internal static async Task<JsonElement> IntrospectAsync(AccountFixture fixture, RegisteredClient client, string token)
    {
        using var anonymous = AccountFixture.Anonymous(fixture.EdgeB);
        using var response = await anonymous.PostAsync("/v1/oauth/token/validate", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = token, ["client_id"] = client.Id, ["client_secret"] = client.Secret!,
        }), Ct);
        return await JsonAsync(response, HttpStatusCode.OK);
    }

    internal static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.RequestUri}: expected {(int)expected}, got {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    internal static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
