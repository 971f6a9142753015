using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.Edge;

/// <summary>The grain's response cache as clients, operators and device software see it, over real sockets.</summary>
[Collection(RelayCollection.Name)]
public sealed class CacheTests(RelayFixture fixture)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private HttpClient Client => fixture.Edge.Client;

    private static string Api(string deviceId, string path) => $"/v1/devices/{deviceId}/api/{path}";

    private static string XCache(HttpResponseMessage response) => response.Headers.GetValues("X-Cache").Single();

    [Fact]
    public async Task Get_MissThenHit_TheDeviceServesItOnce()
    {
        var path = Api(RelayFixture.DeviceId, $"echo/cache-{Guid.NewGuid():N}");
        var before = fixture.Service.Requests;

        using var miss = await Client.GetAsync(path, Token);
        using var hit = await Client.GetAsync(path, Token);

        Assert.Equal("MISS", XCache(miss));
        Assert.Equal("HIT", XCache(hit));
        Assert.NotNull(hit.Headers.Age);
        Assert.Equal(miss.Headers.ETag, hit.Headers.ETag);
        Assert.Equal(await miss.Content.ReadAsStringAsync(Token), await hit.Content.ReadAsStringAsync(Token));
        Assert.Equal(before + 1, fixture.Service.Requests);
    }

    [Fact]
    public async Task IfNoneMatch_Is304_IfMatchOnAStaleCopy_Is412()
    {
        var path = Api(RelayFixture.DeviceId, $"echo/cond-{Guid.NewGuid():N}");
        using var first = await Client.GetAsync(path, Token);
        var etag = first.Headers.ETag!;

        using var conditional = new HttpRequestMessage(HttpMethod.Get, path);
        conditional.Headers.IfNoneMatch.Add(etag);
        using var notModified = await Client.SendAsync(conditional, Token);
        using var stale = new HttpRequestMessage(HttpMethod.Put, path) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        stale.Headers.IfMatch.Add(new EntityTagHeaderValue("\"not-current\""));
        using var refused = await Client.SendAsync(stale, Token);

        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(etag, notModified.Headers.ETag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, refused.StatusCode);
        Assert.Contains("\"error\":412", await refused.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeviceSoftware_InvalidatesThroughTheDaemonsControlEndpoint()
    {
        var secret = await fixture.Edge.ProvisionAsync("inv-1");
        var controlPort = FreePort.Next();
        await using var daemon = await TestDaemon.StartWithControlAsync("inv-1", secret, fixture.Service.BaseUri, controlPort, fixture.Edge.DevicePort);
        var path = Api("inv-1", "echo/zones/1");
        using (var warm = await Client.GetAsync(path, Token))
        {
            Assert.Equal("MISS", XCache(warm));
        }

        using var control = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{controlPort}") };
        using var accepted = await control.PostAsJsonAsync("/cache/invalidate", new { paths = new[] { "/echo/zones/1" } }, Token);
        using var refused = await control.PostAsync("/cache/invalidate", new StringContent("{\"paths\":[\"no-slash\"]}"), Token);

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        await Eventually.TrueAsync(
            async () =>
            {
                using var response = await Client.GetAsync(path, Token);
                return XCache(response) == "MISS";
            },
            "the device's invalidation to drop the cached response");
    }

    [Fact]
    public async Task InvalidationWhileDisconnected_IsQueuedAndSentOnReconnect()
    {
        var devicePort = FreePort.Next();
        var settings = new Dictionary<string, string?> { ["Edge:DevicePort"] = devicePort.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var edge = await TestEdge.StartAsync(fixture.Silo.Cluster, settings);
        var secret = await edge.ProvisionAsync("inv-queued");
        await using var daemon = await TestDaemon.StartAsync("inv-queued", secret, fixture.Service.BaseUri, devicePort);
        using (var warm = await Client.GetAsync(Api("inv-queued", "echo/q"), Token))
        {
            Assert.Equal("MISS", XCache(warm));
        }

        await edge.DisposeAsync();
        await Eventually.TrueAsync(async () => !await IsOnlineAsync("inv-queued"), "the device's session to end with its edge");
        daemon.Daemon.InvalidateCache(["/echo/q"]);
        Assert.Equal(1, daemon.Daemon.PendingInvalidations);
        using (var offline = await Client.GetAsync(Api("inv-queued", "echo/q"), Token))
        {
            // The cache lives beside the session's socket (docs/caching.md): with the session gone there is none.
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, offline.StatusCode);
        }

        await using var restarted = await TestEdge.StartAsync(fixture.Silo.Cluster, settings);
        await Eventually.TrueAsync(() => daemon.AcceptedSessions >= 2 && daemon.Daemon.PendingInvalidations == 0, "the queued invalidation to be sent");
        await Eventually.TrueAsync(
            async () =>
            {
                using var response = await Client.GetAsync(Api("inv-queued", "echo/q"), Token);
                return XCache(response) == "MISS";
            },
            "the next GET after the reconnect to go to the device");
    }

    [Fact]
    public async Task Operators_SeeAndPurgeADevicesCache()
    {
        var path = $"echo/ops-{Guid.NewGuid():N}";
        using (await Client.GetAsync(Api(RelayFixture.DeviceId, path), Token))
        {
        }

        var view = await Client.GetFromJsonAsync<CacheView>($"/v1/admin/devices/{RelayFixture.DeviceId}/cache", Token);
        using var purge = await Client.DeleteAsync($"/v1/admin/devices/{RelayFixture.DeviceId}/cache", Token);
        using var after = await Client.GetAsync(Api(RelayFixture.DeviceId, path), Token);
        using var unknown = await Client.GetAsync("/v1/admin/devices/nobody-at-all/cache", Token);

        Assert.Contains(view!.Entries, e => e.Uri == "/" + path && e.Bytes > 0 && e.Etag.Length > 2);
        Assert.Equal(HttpStatusCode.OK, purge.StatusCode);
        Assert.Equal("MISS", XCache(after));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    private async Task<bool> IsOnlineAsync(string deviceId) =>
        (await fixture.Edge.StatusAsync(deviceId)).GetProperty("online").GetBoolean();

    private sealed record CacheView(long Bytes, long Evictions, CacheEntry[] Entries);

    private sealed record CacheEntry(string Uri, string Variant, long Bytes, long AgeSeconds, long FreshForSeconds, string Etag);
}
