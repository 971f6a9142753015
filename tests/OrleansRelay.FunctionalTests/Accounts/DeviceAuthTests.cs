using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.Accounts;

/// <summary>Device-side authentication: the device's own token, obtained through its apiAuthPath, reaches its service as Authorization.</summary>
[Collection(AccountCollection.Name)]
public sealed class DeviceAuthTests(AccountFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DeviceAuth_RelaysCredentialsToApiAuthPath_TokenReachesServiceAsAuthorization()
    {
        var (email, deviceId, service) = await fixture.ConfirmedDeviceAsync("judy", apiAuth: true);
        using var anonymous = AccountFixture.Anonymous(fixture.EdgeA);
        using var user = AccountFixture.Anonymous(fixture.EdgeB, await AccountFixture.SignInAsync(anonymous, email));

        using (var wrong = await user.PostAsJsonAsync($"/v1/devices/{deviceId}/auth", new { user = "admin", password = "nope" }, Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var auth = await user.PostAsJsonAsync($"/v1/devices/{deviceId}/auth", new { user = AccountDeviceService.DeviceUser, password = AccountDeviceService.DevicePassword }, Ct);
        Assert.Equal(HttpStatusCode.OK, auth.StatusCode);
        Assert.Equal("no-store", auth.Headers.CacheControl?.ToString());
        var deviceToken = JsonDocument.Parse(await auth.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("token").GetString();
        Assert.Equal(AccountDeviceService.DeviceToken, deviceToken);

        using (var without = await user.GetAsync($"/v1/devices/{deviceId}/api/secure", Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/devices/{deviceId}/api/secure");
        request.Headers.Add("X-Device-Authorization", $"Bearer {deviceToken}");
        using var secure = await user.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, secure.StatusCode);
        Assert.Equal("secret data", await secure.Content.ReadAsStringAsync(Ct));
        lock (service.SecureAuthorizations)
        {
            // The relay's own bearer token never reached the device; the device token did.
            Assert.Equal([string.Empty, $"Bearer {deviceToken}"], service.SecureAuthorizations);
        }
    }

    [Fact]
    public async Task DeviceAuth_DeviceWithoutApiAuthPath_Is404()
    {
        var (email, deviceId, _) = await fixture.ConfirmedDeviceAsync("ken");
        using var anonymous = AccountFixture.Anonymous(fixture.EdgeA);
        using var user = AccountFixture.Anonymous(fixture.EdgeA, await AccountFixture.SignInAsync(anonymous, email));
        using var auth = await user.PostAsJsonAsync($"/v1/devices/{deviceId}/auth", new { user = "a", password = "b" }, Ct);
        Assert.Equal(HttpStatusCode.NotFound, auth.StatusCode);
    }
}
