using System.Net;
using System.Text.Json;
using OrleansRelay.FunctionalTests.Accounts;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.Hardening;

/// <summary>
/// Rate limits on the relay (<c>RateLimits</c>): per user, per device and per client address, each answering 429 with
/// <c>Retry-After</c> and the JSON error body; operators are exempt.
/// </summary>
[Collection(AccountCollection.Name)]
public sealed class RateLimitTests(AccountFixture fixture)
{
    private const int Burst = 3;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("user", "RateLimits:UserPermitsPerSecond", "RateLimits:UserBurst", "Too many requests from this user")]
    [InlineData("device", "RateLimits:DevicePermitsPerSecond", "RateLimits:DeviceBurst", "Too many requests to this device")]
    public async Task Relay_OverTheUserOrDeviceBurst_Is429WithRetryAfter(string limit, string rateKey, string burstKey, string message)
    {
        using var rejections = new LimitRejections();
        var settings = AccountFixture.EdgeSettings();
        settings[rateKey] = "1";
        settings[burstKey] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var edge = await TestEdge.StartAsync(fixture.Silo.Cluster, settings);
        var (email, deviceId, _) = await fixture.ConfirmedDeviceAsync($"rate-{limit}");
        using var anonymous = AccountFixture.Anonymous(edge);
        var token = await AccountFixture.SignInAsync(anonymous, email);
        using var user = AccountFixture.Anonymous(edge, token);

        var (accepted, refused) = await RequestUntilRefusedAsync(user, $"/v1/devices/{deviceId}/api/hello");
        Assert.True(accepted >= Burst, $"only {accepted} requests passed before the first 429");
        await AssertTooManyRequestsAsync(refused, message);
        Assert.True(rejections.Count($"rate-{limit}") > 0);

        // Operators are never limited, on the same device.
        for (var i = 0; i < 3 * Burst; i++)
        {
            using var response = await edge.Client.GetAsync($"/v1/devices/{deviceId}/api/hello", Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Requests_OverTheAddressBurst_Are429WithRetryAfter_OperatorsAreExempt()
    {
        using var rejections = new LimitRejections();
        var settings = AccountFixture.EdgeSettings();
        settings["RateLimits:AddressPermitsPerSecond"] = "1";
        settings["RateLimits:AddressBurst"] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var edge = await TestEdge.StartAsync(fixture.Silo.Cluster, settings);
        using var anonymous = AccountFixture.Anonymous(edge);

        // Counted before authentication: unauthenticated requests (401) use up the address's budget too.
        var (accepted, refused) = await RequestUntilRefusedAsync(anonymous, "/v1/devices/some-device/api/hello");
        Assert.True(accepted >= Burst, $"only {accepted} requests passed before the first 429");
        await AssertTooManyRequestsAsync(refused, "Too many requests from this address");
        Assert.True(rejections.Count("rate-address") > 0);

        for (var i = 0; i < 3 * Burst; i++)
        {
            using var response = await edge.Client.GetAsync("/v1/devices/some-device/api/hello", Token);
            Assert.NotEqual(HttpStatusCode.TooManyRequests, response.StatusCode);
        }

        // Health checks are not under the address limit.
        using var health = await anonymous.GetAsync("/healthz", Token);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Disabled_NoRequestIsRefused()
    {
        var settings = AccountFixture.EdgeSettings();
        settings["RateLimits:Enabled"] = "false";
        settings["RateLimits:AddressPermitsPerSecond"] = "1";
        settings["RateLimits:AddressBurst"] = "1";
        await using var edge = await TestEdge.StartAsync(fixture.Silo.Cluster, settings);
        using var anonymous = AccountFixture.Anonymous(edge);
        for (var i = 0; i < 20; i++)
        {
            using var response = await anonymous.GetAsync("/v1/devices/some-device/api/hello", Token);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    /// <summary>Sends requests one after another until one is refused (at most 100); how many passed, and the refusal.</summary>
    private static async Task<(int Accepted, HttpResponseMessage Refused)> RequestUntilRefusedAsync(HttpClient client, string path)
    {
        for (var accepted = 0; accepted < 100; accepted++)
        {
            var response = await client.GetAsync(path, Token);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                return (accepted, response);
            }

            response.Dispose();
        }

        throw new Xunit.Sdk.XunitException($"100 requests to {path} and none was refused");
    }

    private static async Task AssertTooManyRequestsAsync(HttpResponseMessage refused, string message)
    {
        using (refused)
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {refused.Headers.RetryAfter}");
            var body = JsonDocument.Parse(await refused.Content.ReadAsStringAsync(Token)).RootElement;
            Assert.Equal(429, body.GetProperty("error").GetInt32());
            Assert.StartsWith(message, body.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
    }
}
