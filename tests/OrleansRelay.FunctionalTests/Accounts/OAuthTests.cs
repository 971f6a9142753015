using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansRelay.FunctionalTests.TestUtilities;
using static OrleansRelay.FunctionalTests.Accounts.OAuthFlow;

namespace OrleansRelay.FunctionalTests.Accounts;

/// <summary>
/// OAuth 2 for integrations, end to end over HTTP against two edges: an operator registers a client, a user consents to
/// one of two devices, the client exchanges the code with PKCE, calls the relay, refreshes, introspects; replays,
/// wrong verifiers, foreign devices, revocations and unregistered redirect URIs are refused.
/// </summary>
[Collection(AccountCollection.Name)]
public sealed class OAuthTests(AccountFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CodeWithPkce_ReachesOnlyTheConsentedDevice_OnEveryEdge_RefreshRotates_AndIntrospectionAgrees()
    {
        var user = await UserWithTwoDevicesAsync(fixture, "olivia");
        var client = await RegisterClientAsync(fixture, isPublic: false);
        var (verifier, challenge) = Pkce();

        // The consent page is served once OpenIddict has validated the request.
        using var anonymous = AccountFixture.Anonymous(fixture.EdgeA);
        using (var page = await anonymous.GetAsync(AuthorizeQuery(client.Id, challenge, "devices offline_access"), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("consent.js", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        }

        // What the page asks the relay: the client's name and the user's devices to choose from.
        using var session = AccountFixture.Anonymous(fixture.EdgeA, user.Token);
        using (var check = await session.PostAsJsonAsync("/v1/oauth/authorize/validate", new Dictionary<string, string>
        {
            ["client_id"] = client.Id, ["redirect_uri"] = RedirectUri, ["response_type"] = "code",
            ["scope"] = "devices offline_access", ["code_challenge"] = challenge, ["code_challenge_method"] = "S256",
        }, Ct))
        {
            var body = await JsonAsync(check, HttpStatusCode.OK);
            Assert.Equal("Test integration", body.GetProperty("client_name").GetString());
            Assert.Equal(
                new[] { user.Consented, user.Other }.Order(StringComparer.Ordinal),
                body.GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("id").GetString()!).Order(StringComparer.Ordinal));
        }

        var code = await ConsentAsync(anonymous, user.Token, client.Id, challenge, "devices offline_access", user.Consented);
        var tokens = await ExchangeCodeAsync(fixture.EdgeB, client, code, verifier);
        Assert.True(tokens.TryGetProperty("refresh_token", out _), "offline_access asked for: a refresh token");

        var accessToken = tokens.GetProperty("access_token").GetString()!;
        foreach (var edge in new[] { fixture.EdgeA, fixture.EdgeB })
        {
            using var integration = AccountFixture.Anonymous(edge, accessToken);
            using (var relayed = await integration.GetAsync($"/v1/devices/{user.Consented}/api/hello", Ct))
            {
                Assert.Equal(HttpStatusCode.OK, relayed.StatusCode);
                Assert.Equal("hi", await relayed.Content.ReadAsStringAsync(Ct));
            }

            using (var other = await integration.GetAsync($"/v1/devices/{user.Other}/api/hello", Ct))
            {
                Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
            }

            using (var otherEvents = await integration.GetAsync($"/v1/devices/{user.Other}/events", HttpCompletionOption.ResponseHeadersRead, Ct))
            {
                Assert.Equal(HttpStatusCode.NotFound, otherEvents.StatusCode);
            }

            using var list = await integration.GetAsync("/v1/devices/list", Ct);
            var listed = (await JsonAsync(list, HttpStatusCode.OK)).GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("id").GetString()!).ToArray();
            Assert.Equal([user.Consented], listed);

            // An integration acts on devices; it cannot manage the account.
            using var password = await integration.PostAsJsonAsync("/v1/auth/password", new { currentPassword = AccountFixture.Password, newPassword = "a whole new password" }, Ct);
            Assert.False(password.IsSuccessStatusCode);
        }

        var introspected = await IntrospectAsync(fixture, client, accessToken);
        Assert.True(introspected.GetProperty("active").GetBoolean());
        Assert.Equal(user.Email, introspected.GetProperty("sub").GetString());
        Assert.Equal([user.Consented], introspected.GetProperty("devices").EnumerateArray().Select(d => d.GetString()!).ToArray());

        // Refresh rotates: the new refresh token works, the old one presented again revokes the whole grant.
        var refreshed = await TokenAsync(fixture.EdgeA, client, new() { ["grant_type"] = "refresh_token", ["refresh_token"] = tokens.GetProperty("refresh_token").GetString()! }, HttpStatusCode.OK);
        var newAccess = refreshed.GetProperty("access_token").GetString()!;
        using (var integration = AccountFixture.Anonymous(fixture.EdgeB, newAccess))
        using (var relayed = await integration.GetAsync($"/v1/devices/{user.Consented}/api/hello", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, relayed.StatusCode);
        }

        var replay = await TokenAsync(fixture.EdgeB, client, new() { ["grant_type"] = "refresh_token", ["refresh_token"] = tokens.GetProperty("refresh_token").GetString()! }, HttpStatusCode.BadRequest);
        Assert.Equal("invalid_grant", replay.GetProperty("error").GetString());
        using (var integration = AccountFixture.Anonymous(fixture.EdgeA, newAccess))
        using (var revoked = await integration.GetAsync($"/v1/devices/{user.Consented}/api/hello", Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        }

        Assert.False((await IntrospectAsync(fixture, client, newAccess)).GetProperty("active").GetBoolean());
        var afterRevocation = await TokenAsync(fixture.EdgeA, client, new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshed.GetProperty("refresh_token").GetString()! }, HttpStatusCode.BadRequest);
        Assert.Equal("invalid_grant", afterRevocation.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Code_IsSingleUse_AndNeedsTheRightVerifierAndClient()
    {
        var user = await UserWithTwoDevicesAsync(fixture, "peter");
        var client = await RegisterClientAsync(fixture, isPublic: true);
        var (verifier, challenge) = Pkce();
        using var anonymous = AccountFixture.Anonymous(fixture.EdgeA);

        var code = await ConsentAsync(anonymous, user.Token, client.Id, challenge, "devices", user.Consented);
        var wrongVerifier = await TokenAsync(fixture.EdgeA, client, CodeExchange(code, Pkce().Verifier), HttpStatusCode.BadRequest);
        Assert.Equal("invalid_grant", wrongVerifier.GetProperty("error").GetString());

        var otherClient = await RegisterClientAsync(fixture, isPublic: true);
        var stolen = await TokenAsync(fixture.EdgeA, otherClient, CodeExchange(code, verifier), HttpStatusCode.BadRequest);
        Assert.Equal("invalid_grant", stolen.GetProperty("error").GetString());

        // Without offline_access there is no refresh token.
        code = await ConsentAsync(anonymous, user.Token, client.Id, challenge, "devices", user.Consented);
        var tokens = await ExchangeCodeAsync(fixture.EdgeA, client, code, verifier);
        Assert.False(tokens.TryGetProperty("refresh_token", out _));

        // The same code again: refused, and the tokens it gave are revoked with the grant.
        var replay = await TokenAsync(fixture.EdgeB, client, CodeExchange(code, verifier), HttpStatusCode.BadRequest);
        Assert.Equal("invalid_grant", replay.GetProperty("error").GetString());
        using var integration = AccountFixture.Anonymous(fixture.EdgeA, tokens.GetProperty("access_token").GetString());
        using var response = await integration.GetAsync($"/v1/devices/{user.Consented}/api/hello", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task BadAuthorizationRequests_AreRefused_WithoutRedirectingToUnregisteredUris()
    {
        var user = await UserWithTwoDevicesAsync(fixture, "quinn");
        var client = await RegisterClientAsync(fixture, isPublic: false);
        var (_, challenge) = Pkce();
        using var anonymous = AccountFixture.Anonymous(fixture.EdgeA);

        foreach (var (name, query) in new[]
        {
            ("unregistered redirect", AuthorizeQuery(client.Id, challenge, "devices").Replace(Uri.EscapeDataString(RedirectUri), Uri.EscapeDataString("https://evil.example/cb"), StringComparison.Ordinal)),
            ("unknown client", AuthorizeQuery("no-such-client", challenge, "devices")),
        })
        {
            using var response = await anonymous.GetAsync(query, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{name}: {(int)response.StatusCode}");
            Assert.Null(response.Headers.Location);
        }

        // Malformed requests of a registered client: OpenIddict's own 400 naming the OAuth error, no redirect.
        foreach (var (query, error) in new[]
        {
            ($"/v1/oauth/authorize?response_type=code&client_id={client.Id}&redirect_uri={Uri.EscapeDataString(RedirectUri)}&scope=devices&state=s1", "code_challenge"),
            (AuthorizeQuery(client.Id, challenge, "devices everything"), "invalid_scope"),
            (AuthorizeQuery(client.Id, challenge, "devices").Replace("response_type=code", "response_type=token", StringComparison.Ordinal), "response_type"),
        })
        {
            using var response = await anonymous.GetAsync(query, Ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Null(response.Headers.Location);
            Assert.Contains(error, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        // Consent to another user's device: 404, as everywhere else.
        var stranger = await UserWithTwoDevicesAsync(fixture, "rita");
        using (var foreign = await anonymous.PostAsync("/v1/oauth/authorize", ConsentForm(user.Token, client.Id, challenge, "devices", "allow", stranger.Consented), Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        }

        // Not a form (OpenIddict refuses it before the consent handler): 400; more devices than one consent may name: 400.
        using (var json = new HttpRequestMessage(HttpMethod.Post, AuthorizeQuery(client.Id, challenge, "devices")) { Content = JsonContent.Create(new { device = user.Consented }) })
        {
            json.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", user.Token);
            using var notForm = await anonymous.SendAsync(json, Ct);
            Assert.Equal(HttpStatusCode.BadRequest, notForm.StatusCode);
        }

        var tooMany = Enumerable.Range(0, 101).Select(i => $"{user.Consented}-{i}").ToArray();
        using (var greedy = await anonymous.PostAsync("/v1/oauth/authorize", ConsentForm(user.Token, client.Id, challenge, "devices", "allow", tooMany), Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, greedy.StatusCode);
        }

        // No session token: 401; denial: redirected back with access_denied.
        using (var unsigned = await anonymous.PostAsync("/v1/oauth/authorize", ConsentForm(null, client.Id, challenge, "devices", "allow", user.Consented), Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        }

        using var denied = await anonymous.PostAsync("/v1/oauth/authorize", ConsentForm(user.Token, client.Id, challenge, "devices", "deny", user.Consented), Ct);
        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
        Assert.Contains("error=access_denied", denied.Headers.Location!.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PasswordChangeOrClientDeletion_RevokesIntegrationTokens_AndClientsNeedTheOperatorKey()
    {
        using (var anonymous = AccountFixture.Anonymous(fixture.EdgeA))
        using (var refused = await anonymous.PostAsJsonAsync("/v1/oauth/clients", new { name = "x", redirect_uris = new[] { RedirectUri } }, Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        foreach (var revoke in new Func<User, RegisteredClient, Task>[]
        {
            async (user, _) =>
            {
                using var session = AccountFixture.Anonymous(fixture.EdgeA, user.Token);
                using var changed = await session.PostAsJsonAsync("/v1/auth/password", new { currentPassword = AccountFixture.Password, newPassword = "another long password" }, Ct);
                Assert.True(changed.IsSuccessStatusCode, $"password change: {(int)changed.StatusCode}");
            },
            async (_, client) =>
            {
                using var admin = Admin(fixture.EdgeB);
                using var deleted = await admin.DeleteAsync($"/v1/oauth/clients/{client.Id}", Ct);
                Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
            },
        })
        {
            var user = await UserWithTwoDevicesAsync(fixture, "sam");
            var client = await RegisterClientAsync(fixture, isPublic: false);
            var (verifier, challenge) = Pkce();
            using var anonymous = AccountFixture.Anonymous(fixture.EdgeA);
            var tokens = await ExchangeCodeAsync(fixture.EdgeA, client, await ConsentAsync(anonymous, user.Token, client.Id, challenge, "devices", user.Consented), verifier);
            using var integration = AccountFixture.Anonymous(fixture.EdgeB, tokens.GetProperty("access_token").GetString());
            using (var before = await integration.GetAsync($"/v1/devices/{user.Consented}/api/hello", Ct))
            {
                Assert.Equal(HttpStatusCode.OK, before.StatusCode);
            }

            await revoke(user, client);
            using var after = await integration.GetAsync($"/v1/devices/{user.Consented}/api/hello", Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        }
    }

    [Fact]
    public async Task ConsentPage_InARealBrowser_SignsIn_TicksADevice_AndRedirectsBackWithAWorkingCode()
    {
        var user = await UserWithTwoDevicesAsync(fixture, "tina");
        var client = await RegisterClientAsync(fixture, isPublic: true);
        var (verifier, challenge) = Pkce();

        using var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        await using var browser = await TestBrowser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        var redirected = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync(RedirectUri + "**", async route =>
        {
            redirected.TrySetResult(route.Request.Url);
            await route.FulfillAsync(new() { Status = 200, ContentType = "text/plain", Body = "integration callback" });
        });

        await page.GotoAsync($"http://{fixture.EdgeA.HttpEndPoint}{AuthorizeQuery(client.Id, challenge, "devices")}");
        await page.FillAsync("#email", user.Email);
        await page.FillAsync("#password", AccountFixture.Password);
        await page.ClickAsync("#sign-in-form button[type=submit]");
        await Microsoft.Playwright.Assertions.Expect(page.Locator("#client-name")).ToHaveTextAsync("Test integration");
        await Microsoft.Playwright.Assertions.Expect(page.Locator("#devices input[type=checkbox]")).ToHaveCountAsync(2);
        await page.CheckAsync($"#devices input[value='{user.Consented}']");
        await page.ClickAsync("button[value=allow]");

        var callback = new Uri(await Eventually.Within(redirected.Task, "the browser's redirect back to the integration"));
        var query = System.Web.HttpUtility.ParseQueryString(callback.Query);
        Assert.Equal("xyz", query["state"]);
        Assert.Empty(errors);

        var tokens = await ExchangeCodeAsync(fixture.EdgeB, client, query["code"]!, verifier);
        using var integration = AccountFixture.Anonymous(fixture.EdgeB, tokens.GetProperty("access_token").GetString());
        using (var consented = await integration.GetAsync($"/v1/devices/{user.Consented}/api/hello", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, consented.StatusCode);
        }

        using var other = await integration.GetAsync($"/v1/devices/{user.Other}/api/hello", Ct);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }
}
