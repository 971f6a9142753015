using System.Net;
using OrleansRelay.FunctionalTests.Accounts;

namespace OrleansRelay.FunctionalTests.Security;

/// <summary>
/// User A never reaches user B's device: not by traversal from A's own device's relay path, not through the operator's
/// cache endpoints (read or purge), not by presenting a user token as the operator key. (Relay, events, hub and device
/// auth for B's device answer exactly like an unknown device: <c>AccountAccessTests</c>; the all-devices event stream
/// carries only A's devices: <c>AllEventsTests</c>.)
/// </summary>
[Collection(AccountCollection.Name)]
public sealed class CrossUserAccessTests(AccountFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UserA_CannotReachUserBsDevice_ByTraversal_OrThroughTheCacheEndpoints()
    {
        var (alice, aliceDevice, _) = await fixture.ConfirmedDeviceAsync("alice-sec");
        var (_, bobDevice, _) = await fixture.ConfirmedDeviceAsync("bob-sec");
        using var anonymous = AccountFixture.Anonymous(fixture.EdgeA);
        var token = await AccountFixture.SignInAsync(anonymous, alice);
        using var user = AccountFixture.Anonymous(fixture.EdgeA, token);
        Assert.Equal("hi", await user.GetStringAsync($"/v1/devices/{aliceDevice}/api/hello", Ct));
        Assert.Equal("hi", await fixture.EdgeA.Client.GetStringAsync($"/v1/devices/{bobDevice}/api/hello", Ct));
        var bobCache = await fixture.EdgeA.Client.GetStringAsync($"/v1/admin/devices/{bobDevice}/cache", Ct);

        foreach (var target in new[]
        {
            $"/v1/devices/{aliceDevice}/api/../../{bobDevice}/api/hello",
            $"/v1/devices/{aliceDevice}/api/%2e%2e/%2e%2e/{bobDevice}/api/hello",
            $"/v1/devices/{aliceDevice}/api/..%2f..%2f{bobDevice}%2fapi%2fhello",
            $"/v1/devices/{aliceDevice}/api/../../../admin/devices/{bobDevice}/cache",
        })
        {
            var response = Assert.Single(await RawHttp.SendAsync(fixture.EdgeA.HttpEndPoint, RawHttp.Head(
                $"GET {target} HTTP/1.1", "Host: edge", $"Authorization: Bearer {token}", "Connection: close")));
            Assert.True(response.Status == 400, $"{target}: {response.Status} {response.Body}");
        }

        foreach (var request in new[]
        {
            new HttpRequestMessage(HttpMethod.Get, $"/v1/admin/devices/{bobDevice}/cache"),
            new HttpRequestMessage(HttpMethod.Delete, $"/v1/admin/devices/{bobDevice}/cache"),
            new HttpRequestMessage(HttpMethod.Get, $"/v1/admin/devices/{bobDevice}"),
            new HttpRequestMessage(HttpMethod.Delete, $"/v1/admin/devices/{bobDevice}") { Headers = { { "X-Admin-Key", token } } },
        })
        {
            using (request)
            {
                using var response = await user.SendAsync(request, Ct);
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{request.Method} {request.RequestUri}: {(int)response.StatusCode}");
            }
        }

        Assert.Equal(bobCache, await fixture.EdgeA.Client.GetStringAsync($"/v1/admin/devices/{bobDevice}/cache", Ct));
        using var bobStill = await fixture.EdgeA.Client.GetAsync($"/v1/admin/devices/{bobDevice}", Ct);
        Assert.Equal(HttpStatusCode.OK, bobStill.StatusCode);
    }
}
