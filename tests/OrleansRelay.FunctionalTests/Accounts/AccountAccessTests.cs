using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.Accounts;

/// <summary>Negative paths: wrong password, revoked, forged and foreign tokens, throttling, expired links.</summary>
[Collection(AccountCollection.Name)]
public sealed class AccountAccessTests(AccountFixture fixture)
{
    private const string UnauthorizedBody = "{\"error\":401,\"message\":\"Unauthorized\"}";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SignIn_WrongPasswordOrUnknownAddress_Is401WithExactBody()
    {
        var (email, _, _) = await fixture.ConfirmedDeviceAsync("dave");
        using var anonymous = AccountFixture.Anonymous(fixture.EdgeA);
        foreach (var (who, password) in new[] { (email, "wrong password!!"), (AccountFixture.NewEmail("nobody"), AccountFixture.Password) })
        {
            using var response = await AccountFixture.PostSignInAsync(anonymous, who, password);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal(UnauthorizedBody, await response.Content.ReadAsStringAsync(Ct));
        }
    }

    [Fact]
    public async Task UnconfirmedAddress_CannotSignIn()
    {
        var email = AccountFixture.NewEmail("erin");
        await fixture.ConnectDeviceAsync(email);
        await AccountFixture.ConfirmationMailAsync(email);
        using var anonymous = AccountFixture.Anonymous(fixture.EdgeA);
        using var response = await AccountFixture.PostSignInAsync(anonymous, email, AccountFixture.Password);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Relay_WithoutOrWithForgedToken_Is401()
    {
        var (email, deviceId, _) = await fixture.ConfirmedDeviceAsync("frank");
        using var anonymous = AccountFixture.Anonymous(fixture.EdgeA);
        var token = await AccountFixture.SignInAsync(anonymous, email);
        var parts = token.Split('.');
        var payload = JsonDocument.Parse(Base64UrlDecode(parts[1])).RootElement;
        var forgedPayload = Base64UrlEncode(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["sub"] = payload.GetProperty("sub").GetString(),
            ["jti"] = payload.GetProperty("jti").GetString(),
            ["gen"] = payload.GetProperty("gen").GetInt64(),
            ["exp"] = payload.GetProperty("exp").GetInt64() + 86400,
            ["iss"] = payload.GetProperty("iss").GetString(),
            ["aud"] = payload.GetProperty("aud").GetString(),
        }));
        var lastChar = parts[2][^1] == 'A' ? 'B' : 'A';
        var forged = new[]
        {
            null,
            "not-a-token",
            $"{parts[0]}.{forgedPayload}.{parts[2]}",          // altered payload, old signature
            $"{parts[0]}.{parts[1]}.{parts[2][..^1]}{lastChar}", // altered signature
            $"{Base64UrlEncode("{\"alg\":\"none\",\"typ\":\"JWT\"}"u8.ToArray())}.{parts[1]}.",
            TestEdge.AdminKey + "x",
        };
        foreach (var bad in forged)
        {
            using var client = AccountFixture.Anonymous(fixture.EdgeB, bad);
            foreach (var path in new[] { $"/v1/devices/{deviceId}/api/hello", "/v1/devices/list", $"/v1/devices/{deviceId}/events" })
            {
                using var response = await client.GetAsync(path, Ct);
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{bad} on {path}: {(int)response.StatusCode}");
                Assert.Equal(UnauthorizedBody, await response.Content.ReadAsStringAsync(Ct));
            }
        }

        using var good = AccountFixture.Anonymous(fixture.EdgeB, token);
        Assert.Equal("hi", await good.GetStringAsync($"/v1/devices/{deviceId}/api/hello", Ct));
    }

    [Fact]
    public async Task OtherUsersDevice_Is404OnRelayEventsAndDeviceAuth_AndAHubError_LikeAnUnknownDevice()
    {
        var (alice, aliceDevice, _) = await fixture.ConfirmedDeviceAsync("alice");
        var (_, bobDevice, _) = await fixture.ConfirmedDeviceAsync("bob", apiAuth: true);
        using var anonymous = AccountFixture.Anonymous(fixture.EdgeA);
        var aliceToken = await AccountFixture.SignInAsync(anonymous, alice);
        using var user = AccountFixture.Anonymous(fixture.EdgeB, aliceToken);
        foreach (var device in new[] { bobDevice, "no-such-device-" + Guid.NewGuid().ToString("N")[..6] })
        {
            using var relay = await user.GetAsync($"/v1/devices/{device}/api/hello", Ct);
            using var events = await user.GetAsync($"/v1/devices/{device}/events", HttpCompletionOption.ResponseHeadersRead, Ct);
            using var auth = await user.PostAsJsonAsync($"/v1/devices/{device}/auth", new { user = "admin", password = "device-pass" }, Ct);
            foreach (var response in new[] { relay, events, auth })
            {
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
                Assert.Equal("{\"error\":404,\"message\":\"Unknown device.\"}", await response.Content.ReadAsStringAsync(Ct));
            }
        }

        var list = JsonDocument.Parse(await user.GetStringAsync("/v1/devices/list", Ct)).RootElement.GetProperty("devices");
        Assert.Equal(aliceDevice, Assert.Single(list.EnumerateArray()).GetProperty("id").GetString());

        // The SignalR hub: Alice subscribes to her own device, and Bob's is refused exactly like an unknown one.
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(fixture.EdgeB.Client.BaseAddress!, "/hubs/devices"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(aliceToken))
            .Build();
        await hub.StartAsync(Ct);
        await hub.InvokeAsync("Subscribe", aliceDevice, Ct);
        var refused = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => hub.InvokeAsync("Subscribe", bobDevice, Ct));
        var unknown = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => hub.InvokeAsync("Subscribe", "no-such-device", Ct));
        Assert.Equal(unknown.Message, refused.Message);

        // The operator key still reaches every device.
        Assert.Equal("hi", await fixture.EdgeA.Client.GetStringAsync($"/v1/devices/{bobDevice}/api/hello", Ct));
    }

    [Fact]
    public async Task SignOut_RevokesThatToken_PasswordChange_RevokesAll()
    {
        var (email, deviceId, _) = await fixture.ConfirmedDeviceAsync("grace");
        using var anonymous = AccountFixture.Anonymous(fixture.EdgeA);
        var first = await AccountFixture.SignInAsync(anonymous, email);
        var second = await AccountFixture.SignInAsync(anonymous, email);
        var third = await AccountFixture.SignInAsync(anonymous, email);

        // Every token has been used on both edges, so each edge remembers it (CredentialCache): the revocations below
        // must reach the edges' caches, not only the account grain.
        foreach (var token in new[] { first, second, third })
        {
            Assert.Equal(HttpStatusCode.OK, await RelayStatusAsync(fixture.EdgeA, token, deviceId));
            Assert.Equal(HttpStatusCode.OK, await RelayStatusAsync(fixture.EdgeB, token, deviceId));
        }

        using (var client = AccountFixture.Anonymous(fixture.EdgeA, first))
        {
            using var signOut = await client.PostAsync("/v1/auth/signout", null, Ct);
            Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await RelayStatusAsync(fixture.EdgeA, first, deviceId));
        Assert.Equal(HttpStatusCode.Unauthorized, await RelayStatusAsync(fixture.EdgeB, first, deviceId));
        Assert.Equal(HttpStatusCode.OK, await RelayStatusAsync(fixture.EdgeB, second, deviceId));

        using (var client = AccountFixture.Anonymous(fixture.EdgeB, second))
        {
            using var wrong = await client.PostAsJsonAsync("/v1/auth/password", new { currentPassword = "not it at all", newPassword = "a brand new password" }, Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            using var change = await client.PostAsJsonAsync("/v1/auth/password", new { currentPassword = AccountFixture.Password, newPassword = "a brand new password" }, Ct);
            Assert.Equal(HttpStatusCode.NoContent, change.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await RelayStatusAsync(fixture.EdgeA, second, deviceId));
        Assert.Equal(HttpStatusCode.Unauthorized, await RelayStatusAsync(fixture.EdgeB, second, deviceId));
        Assert.Equal(HttpStatusCode.Unauthorized, await RelayStatusAsync(fixture.EdgeA, third, deviceId));
        Assert.Equal(HttpStatusCode.Unauthorized, await RelayStatusAsync(fixture.EdgeB, third, deviceId));
        using (var old = await AccountFixture.PostSignInAsync(anonymous, email, AccountFixture.Password))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        }

        var fresh = await AccountFixture.SignInAsync(anonymous, email, "a brand new password");
        Assert.Equal(HttpStatusCode.OK, await RelayStatusAsync(fixture.EdgeB, fresh, deviceId));
    }

    [Fact]
    public async Task DeviceNamingANewOwner_IsNoLongerReachableByTheOldOne_OnEitherEdge()
    {
        var (alice, deviceId, _) = await fixture.ConfirmedDeviceAsync("alice");
        var (bob, _, _) = await fixture.ConfirmedDeviceAsync("bob");
        using var anonymous = AccountFixture.Anonymous(fixture.EdgeA);
        var aliceToken = await AccountFixture.SignInAsync(anonymous, alice);
        var bobToken = await AccountFixture.SignInAsync(anonymous, bob);

        // Both edges learn the device's route, and with it its owner: alice.
        Assert.Equal(HttpStatusCode.OK, await RelayStatusAsync(fixture.EdgeA, aliceToken, deviceId));
        Assert.Equal(HttpStatusCode.OK, await RelayStatusAsync(fixture.EdgeB, aliceToken, deviceId));
        Assert.Equal(HttpStatusCode.NotFound, await RelayStatusAsync(fixture.EdgeB, bobToken, deviceId));

        // The device is handed over: a new secret (the old daemon's session is closed and cannot come back), and it now
        // names bob and connects through edge B.
        var secret = await OperatorApi.RotateSecretAsync(fixture.EdgeA.Client, deviceId);
        await using var bobsService = await AccountDeviceService.StartAsync(bob);
        await using var daemon = await TestDaemon.StartAsync(deviceId, secret, bobsService.BaseUri, fixture.EdgeB.DevicePort);

        // Neither edge was asked about the device again; the grain's push must have told both.
        await Eventually.TrueAsync(
            async () => await RelayStatusAsync(fixture.EdgeA, bobToken, deviceId) == HttpStatusCode.OK
                && await RelayStatusAsync(fixture.EdgeB, bobToken, deviceId) == HttpStatusCode.OK,
            "the new owner to reach the device through both edges");
        Assert.Equal(HttpStatusCode.NotFound, await RelayStatusAsync(fixture.EdgeA, aliceToken, deviceId));
        Assert.Equal(HttpStatusCode.NotFound, await RelayStatusAsync(fixture.EdgeB, aliceToken, deviceId));
    }

    [Fact]
    public async Task RepeatedFailures_ThrottleTheAccount_ThenTheOwnerGetsIn()
    {
        var (email, _, _) = await fixture.ConfirmedDeviceAsync("heidi");
        using var anonymous = AccountFixture.Anonymous(fixture.EdgeA);
        for (var i = 0; i < 3; i++)
        {
            using var wrong = await AccountFixture.PostSignInAsync(anonymous, email, "guess number " + i);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        // Throttled on every edge, even with the right password.
        using (var throttled = AccountFixture.Anonymous(fixture.EdgeB))
        using (var response = await AccountFixture.PostSignInAsync(throttled, email, AccountFixture.Password))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
        }

        // Not locked out for good: after the (test-sized) pause the owner signs in.
        await Eventually.TrueAsync(async () =>
        {
            using var response = await AccountFixture.PostSignInAsync(anonymous, email, AccountFixture.Password);
            return response.StatusCode == HttpStatusCode.OK;
        }, "the account's throttling pause to end", TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task ManyAttemptsFromOneAddress_AreRateLimited()
    {
        await using var edge = await TestEdge.StartAsync(fixture.Silo.Cluster, AccountFixture.EdgeSettings(permitLimit: 3));
        using var anonymous = AccountFixture.Anonymous(edge);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await AccountFixture.PostSignInAsync(anonymous, AccountFixture.NewEmail("mallory"), "guess " + i);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task ConfirmationLink_Expired_Is404()
    {
        await using var silo = await AccountFixture.StartSiloAsync(TimeSpan.FromSeconds(1));
        await using var edge = await TestEdge.StartAsync(silo.Cluster, AccountFixture.EdgeSettings());
        var email = AccountFixture.NewEmail("ivan");
        await using var service = await AccountDeviceService.StartAsync(email);
        await using var daemon = await TestDaemon.StartAsync("acct-exp-" + Guid.NewGuid().ToString("N")[..6] is var id ? id : id, await edge.ProvisionAsync(id), service.BaseUri, edge.DevicePort);
        var confirmationId = await AccountFixture.ConfirmationMailAsync(email);
        using var anonymous = AccountFixture.Anonymous(edge);
        await Eventually.TrueAsync(async () =>
        {
            using var response = await anonymous.GetAsync($"/v1/confirmation?confirmationId={confirmationId}", Ct);
            return response.StatusCode == HttpStatusCode.NotFound;
        }, "the confirmation link to expire");
        using var form = await AccountFixture.SetPasswordAsync(anonymous, confirmationId, AccountFixture.Password);
        Assert.Equal(HttpStatusCode.NotFound, form.StatusCode);
        using var signIn = await AccountFixture.PostSignInAsync(anonymous, email, AccountFixture.Password);
        Assert.Equal(HttpStatusCode.Unauthorized, signIn.StatusCode);
    }

    private static async Task<HttpStatusCode> RelayStatusAsync(TestEdge edge, string token, string deviceId)
    {
        using var client = AccountFixture.Anonymous(edge, token);
        using var response = await client.GetAsync($"/v1/devices/{deviceId}/api/hello", Ct);
        return response.StatusCode;
    }

    private static byte[] Base64UrlDecode(string text) => Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/').PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '='));

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
