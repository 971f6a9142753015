using System.Net;
using System.Text;
using OrleansRelay.Device;
using OrleansRelay.Device.Lan;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.Device;

/// <summary>The daemon's LAN listener over real sockets: LAN clients reach the device's service; LAN writes invalidate the cloud cache.</summary>
[Collection(RelayCollection.Name)]
public sealed class LanAccessTests(RelayFixture fixture)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string XCache(HttpResponseMessage response) => response.Headers.GetValues("X-Cache").Single();

    private static LanAccessServer StartLan(DeviceDaemon daemon) =>
        LanAccessServer.Start(new LanAccessOptions { BindAddress = IPAddress.Loopback }, daemon, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);

    private static HttpClient LanClient(LanAccessServer lan) => new() { BaseAddress = new Uri($"http://{lan.LocalEndPoint}") };

    [Fact]
    public async Task LanRequest_ReachesTheLocalService()
    {
        await using var lan = StartLan(fixture.Daemon.Daemon);
        using var client = LanClient(lan);
        var before = fixture.Service.Requests;

        using var get = await client.GetAsync("/echo/lan?x=1", Token);
        using var post = await client.PostAsync("/mirror", new StringContent("from the LAN", Encoding.UTF8, "text/plain"), Token);
        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/mirror") { Content = new StreamContent(new NonSeekable(Encoding.UTF8.GetBytes("chunked body"))) };
        using var mirroredChunked = await client.SendAsync(chunked, Token);

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Contains("/echo/lan?x=1", await get.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.Equal("from the LAN", await post.Content.ReadAsStringAsync(Token));
        Assert.Equal("chunked body", await mirroredChunked.Content.ReadAsStringAsync(Token));
        Assert.Equal(before + 3, fixture.Service.Requests);
        Assert.False(get.Headers.Contains("X-Cache"));
    }

    [Fact]
    public async Task LanWrite_InvalidatesTheCloudCachedEntry()
    {
        await using var lan = StartLan(fixture.Daemon.Daemon);
        using var client = LanClient(lan);
        var path = $"echo/lan-write-{Guid.NewGuid():N}";
        var cloud = $"/v1/devices/{RelayFixture.DeviceId}/api/{path}";
        using (var miss = await fixture.Edge.Client.GetAsync(cloud, Token))
        using (var hit = await fixture.Edge.Client.GetAsync(cloud, Token))
        {
            Assert.Equal("MISS", XCache(miss));
            Assert.Equal("HIT", XCache(hit));
        }

        using var write = await client.PutAsync($"/{path}", new StringContent("{\"on\":true}", Encoding.UTF8, "application/json"), Token);

        Assert.True(write.IsSuccessStatusCode);
        await Eventually.TrueAsync(
            async () =>
            {
                using var after = await fixture.Edge.Client.GetAsync(cloud, Token);
                return XCache(after) == "MISS";
            },
            "the cloud copy to be invalidated by the LAN write");
    }

    [Fact]
    public async Task LanWritesDuringAnOutage_InvalidateAfterReconnect()
    {
        const string deviceId = "lan-outage";
        var devicePort = FreePort.Next();
        var settings = new Dictionary<string, string?> { ["Edge:DevicePort"] = devicePort.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var edge = await TestEdge.StartAsync(fixture.Silo.Cluster, settings);
        var secret = await edge.ProvisionAsync(deviceId);
        await using var daemon = TestDaemon.Launch(TestDaemon.Options(deviceId, secret, fixture.Service.BaseUri, devicePort));
        await Eventually.TrueAsync(() => daemon.AcceptedSessions == 1, "the daemon to connect");
        await using var lan = StartLan(daemon.Daemon);
        using var client = LanClient(lan);
        var path = $"echo/outage-{Guid.NewGuid():N}";
        var cloud = $"/v1/devices/{deviceId}/api/{path}";
        using (var miss = await edge.Client.GetAsync(cloud, Token))
        using (var hit = await edge.Client.GetAsync(cloud, Token))
        {
            Assert.Equal("HIT", XCache(hit));
        }

        await edge.DisposeAsync();
        await Eventually.TrueAsync(() => daemon.Daemon.LastSessionEnd is not null, "the daemon to notice the outage");
        using var write = await client.PutAsync($"/{path}", new StringContent("{}", Encoding.UTF8, "application/json"), Token);
        Assert.True(write.IsSuccessStatusCode);
        Assert.Equal(1, daemon.Daemon.PendingInvalidations);

        await using var back = await TestEdge.StartAsync(fixture.Silo.Cluster, settings);
        await Eventually.TrueAsync(() => daemon.AcceptedSessions == 2 && daemon.Daemon.PendingInvalidations == 0, "the daemon to reconnect and send its queue");
        await Eventually.TrueAsync(
            async () =>
            {
                using var after = await back.Client.GetAsync(cloud, Token);
                return XCache(after) == "MISS";
            },
            "the queued invalidation to reach the cache");
    }

    [Fact]
    public async Task InProcessHandler_AnswersRelayedAndLanRequests()
    {
        const string deviceId = "in-process-app";
        var secret = await fixture.Edge.ProvisionAsync(deviceId);
        var application = new GreetingHandler();
        await using var daemon = TestDaemon.Launch(TestDaemon.Options(deviceId, secret, new Uri("http://127.0.0.1:9"), fixture.Edge.DevicePort), application);
        await Eventually.TrueAsync(() => daemon.AcceptedSessions == 1, "the in-process daemon to connect");
        await using var lan = StartLan(daemon.Daemon);
        using var client = LanClient(lan);

        using var relayed = await fixture.Edge.Client.GetAsync($"/v1/devices/{deviceId}/api/hello", Token);
        using var local = await client.GetAsync("/hello", Token);

        Assert.Equal("hello from the application: GET /hello", await relayed.Content.ReadAsStringAsync(Token));
        Assert.Equal("hello from the application: GET /hello", await local.Content.ReadAsStringAsync(Token));
    }

    private sealed class GreetingHandler : IHttpRequestHandler
    {
        public Task<HttpResponseMessage> SendAsync(OrleansRelay.Wire.HttpRequestHead head, Stream? body, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent($"hello from the application: {head.Method} {head.Target}", Encoding.UTF8, "text/plain"),
            });
    }

    /// <summary>A body of unknown length, so HttpClient sends it chunked.</summary>
    private sealed class NonSeekable(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
