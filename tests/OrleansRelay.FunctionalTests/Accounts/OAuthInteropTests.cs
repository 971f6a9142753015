using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansRelay.FunctionalTests.TestUtilities;
using static OrleansRelay.FunctionalTests.Accounts.OAuthFlow;

namespace OrleansRelay.FunctionalTests.Accounts;

/// <summary>
/// OAuth as standards-strict clients expect it, over HTTP against two edges: the discovery document names the issuer
/// it is served from and advertises only what the endpoints accept; token revocation (RFC 7009) and a user's revoking a
/// grant take effect on the other edge at once; an issuer that is not the public URL stops the edge from starting.
/// </summary>
[Collection(AccountCollection.Name)]
public sealed class OAuthInteropTests(AccountFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Discovery_AdvertisesOnlyWhatTheEndpointsAccept()
    {
        using var anonymous = AccountFixture.Anonymous(fixture.EdgeA);
        foreach (var path in new[] { "/.well-known/oauth-authorization-server", "/.well-known/openid-configuration" })
        {
            using var response = await anonymous.GetAsync(path, Ct);
            var metadata = await JsonAsync(response, HttpStatusCode.OK);
            Assert.Equal(DefaultIssuer, metadata.GetProperty("issuer").GetString());
            Assert.Equal(["S256"], Strings(metadata, "code_challenge_methods_supported"));
            Assert.Equal(["client_secret_basic", "client_secret_post"], Strings(metadata, "token_endpoint_auth_methods_supported").Order(StringComparer.Ordinal));
            Assert.Equal(["client_secret_basic", "client_secret_post"], Strings(metadata, "revocation_endpoint_auth_methods_supported").Order(StringComparer.Ordinal));
            Assert.Equal(["devices", "offline_access"], Strings(metadata, "scopes_supported").Order(StringComparer.Ordinal));
            Assert.Equal(["authorization_code", "refresh_token"], Strings(metadata, "grant_types_supported").Order(StringComparer.Ordinal));
            Assert.EndsWith("/v1/oauth/revoke", metadata.GetProperty("revocation_endpoint").GetString(), StringComparison.Ordinal);
            Assert.True(metadata.GetProperty("authorization_response_iss_parameter_supported").GetBoolean());
            Assert.False(metadata.TryGetProperty("prompt_values_supported", out _));
        }

        // What is not advertised is refused: plain PKCE and the openid scope at the authorization endpoint, a
        // private_key_jwt assertion at the token endpoint.
        var client = await RegisterClientAsync(fixture, isPublic: false);
        var (_, challenge) = Pkce();
        var plain = AuthorizeQuery(client.Id, "a-plain-challenge-that-is-long-enough-0123456789", "devices").Replace("code_challenge_method=S256", "code_challenge_method=plain", StringComparison.Ordinal);
        foreach (var (query, error) in new[] { (plain, "code_challenge_method"), (AuthorizeQuery(client.Id, challenge, "openid devices"), "invalid_scope") })
        {
            using var response = await anonymous.GetAsync(query, Ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(error, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        using var assertion = await anonymous.PostAsync("/v1/oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = "x", ["redirect_uri"] = RedirectUri, ["code_verifier"] = Pkce().Verifier,
            ["client_id"] = client.Id, ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", ["client_assertion"] = "a.b.c",
        }), Ct);
        Assert.False(assertion.IsSuccessStatusCode);
        Assert.Contains("\"error\"", await assertion.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenRevocation_OnOneEdge_EndsTheGrantOnTheOther()
    {
        var user = await UserWithTwoDevicesAsync(fixture, "ursula");
        var client = await RegisterClientAsync(fixture, isPublic: false);
        var (verifier, challenge) = Pkce();
        using var anonymous = AccountFixture.Anonymous(fixture.EdgeA);
        var tokens = await ExchangeCodeAsync(fixture.EdgeA, client, await ConsentAsync(anonymous, user.Token, client.Id, challenge, "devices offline_access", user.Consented), verifier);
        using var onB = AccountFixture.Anonymous(fixture.EdgeB, tokens.GetProperty("access_token").GetString());
        using (var before = await onB.GetAsync($"/v1/devices/{user.Consented}/api/hello", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        // Another client cannot revoke this client's token (RFC 7009 §2.1): nothing changes.
        var stranger = await RegisterClientAsync(fixture, isPublic: false);
        using (var foreign = await anonymous.PostAsync("/v1/oauth/revoke", Revocation(stranger, tokens.GetProperty("refresh_token").GetString()!), Ct))
        using (var still = await onB.GetAsync($"/v1/devices/{user.Consented}/api/hello", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, still.StatusCode);
        }

        using (var revoked = await anonymous.PostAsync("/v1/oauth/revoke", Revocation(client, tokens.GetProperty("refresh_token").GetString()!), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        }

        using (var after = await onB.GetAsync($"/v1/devices/{user.Consented}/api/hello", Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        }

        var refresh = await TokenAsync(fixture.EdgeB, client, new() { ["grant_type"] = "refresh_token", ["refresh_token"] = tokens.GetProperty("refresh_token").GetString()! }, HttpStatusCode.BadRequest);
        Assert.Equal("invalid_grant", refresh.GetProperty("error").GetString());
    }

    [Fact]
    public async Task User_ListsGrantedIntegrations_AndRevokingOneOnAnEdgeEndsItOnTheOther()
    {
        var user = await UserWithTwoDevicesAsync(fixture, "vera");
        var client = await RegisterClientAsync(fixture, isPublic: true);
        var (verifier, challenge) = Pkce();
        using var anonymous = AccountFixture.Anonymous(fixture.EdgeA);
        var tokens = await ExchangeCodeAsync(fixture.EdgeA, client, await ConsentAsync(anonymous, user.Token, client.Id, challenge, "devices", user.Consented), verifier);
        using var integration = AccountFixture.Anonymous(fixture.EdgeA, tokens.GetProperty("access_token").GetString());

        using var sessionOnB = AccountFixture.Anonymous(fixture.EdgeB, user.Token);
        var grant = Assert.Single((await GrantsAsync(sessionOnB)).EnumerateArray());
        Assert.Equal(client.Id, grant.GetProperty("client_id").GetString());
        Assert.Equal("Test integration", grant.GetProperty("client_name").GetString());
        Assert.Equal([user.Consented], grant.GetProperty("devices").EnumerateArray().Select(d => d.GetString()!).ToArray());
        var grantId = grant.GetProperty("id").GetString()!;

        // An integration cannot see or revoke grants; another user's grant answers like an unknown one.
        using (var byIntegration = await integration.GetAsync("/v1/oauth/grants", Ct))
        {
            Assert.False(byIntegration.IsSuccessStatusCode);
        }

        var other = await UserWithTwoDevicesAsync(fixture, "walt");
        using (var otherSession = AccountFixture.Anonymous(fixture.EdgeB, other.Token))
        using (var foreign = await otherSession.DeleteAsync($"/v1/oauth/grants/{grantId}", Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        }

        using (var revoked = await sessionOnB.DeleteAsync($"/v1/oauth/grants/{grantId}", Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        using (var after = await integration.GetAsync($"/v1/devices/{user.Consented}/api/hello", Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        }

        Assert.Empty((await GrantsAsync(sessionOnB)).EnumerateArray());
    }

    [Fact]
    public async Task Dashboard_ShowsTheUsersIntegrations_AndRevokesOne()
    {
        var user = await UserWithTwoDevicesAsync(fixture, "xena");
        var client = await RegisterClientAsync(fixture, isPublic: true);
        var (verifier, challenge) = Pkce();
        using var anonymous = AccountFixture.Anonymous(fixture.EdgeA);
        var tokens = await ExchangeCodeAsync(fixture.EdgeA, client, await ConsentAsync(anonymous, user.Token, client.Id, challenge, "devices", user.Consented), verifier);

        using var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        await using var browser = await TestBrowser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync($"http://{fixture.EdgeB.HttpEndPoint}/");
        await page.FillAsync("#email", user.Email);
        await page.FillAsync("#password", AccountFixture.Password);
        await page.ClickAsync("#sign-in-form button[type=submit]");
        var item = page.Locator("#grants li.grant");
        await Microsoft.Playwright.Assertions.Expect(item).ToHaveCountAsync(1);
        await Microsoft.Playwright.Assertions.Expect(item.Locator(".grant-name")).ToHaveTextAsync("Test integration");
        await Microsoft.Playwright.Assertions.Expect(item.Locator(".grant-devices")).ToContainTextAsync(user.Consented);

        await item.Locator("button.revoke").ClickAsync();
        await Microsoft.Playwright.Assertions.Expect(item).ToHaveCountAsync(0);
        await Microsoft.Playwright.Assertions.Expect(page.Locator("#no-grants")).ToBeVisibleAsync();
        Assert.Empty(errors);

        using var integration = AccountFixture.Anonymous(fixture.EdgeA, tokens.GetProperty("access_token").GetString());
        using var after = await integration.GetAsync($"/v1/devices/{user.Consented}/api/hello", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task AnIssuerThatIsNotThePublicUrl_StopsTheEdgeFromStarting_NamingBothSettings()
    {
        var settings = AccountFixture.EdgeSettings();
        settings["OAuth:Issuer"] = "https://orleansrelay.local/";
        settings["Accounts:PublicUrl"] = "https://relay.example.com";

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => TestEdge.StartAsync(fixture.Silo.Cluster, settings));

        Assert.Contains("OAuth:Issuer", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Accounts:PublicUrl", refused.Message, StringComparison.Ordinal);

        // The same URL, spelled with or without the trailing slash, is accepted.
        settings["OAuth:Issuer"] = "https://relay.example.com/";
        await using var edge = await TestEdge.StartAsync(fixture.Silo.Cluster, settings);
        using var anonymous = AccountFixture.Anonymous(edge);
        using var response = await anonymous.GetAsync("/.well-known/oauth-authorization-server", Ct);
        Assert.Equal("https://relay.example.com/", (await JsonAsync(response, HttpStatusCode.OK)).GetProperty("issuer").GetString());
    }

    private static FormUrlEncodedContent Revocation(RegisteredClient client, string token) => new(new Dictionary<string, string>
    {
        ["token"] = token, ["token_type_hint"] = "refresh_token", ["client_id"] = client.Id, ["client_secret"] = client.Secret!,
    });

    private static async Task<JsonElement> GrantsAsync(HttpClient session)
    {
        using var response = await session.GetAsync("/v1/oauth/grants", Ct);
        return (await JsonAsync(response, HttpStatusCode.OK)).GetProperty("grants");
    }

    private static string[] Strings(JsonElement metadata, string name) =>
        [.. metadata.GetProperty(name).EnumerateArray().Select(e => e.GetString()!)];
}
