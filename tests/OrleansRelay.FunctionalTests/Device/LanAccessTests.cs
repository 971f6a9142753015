using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
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

    private static Task<LanAccessServer> StartLanAsync(DeviceDaemon daemon, LanAccessOptions? options = null) =>
        LanAccessServer.StartAsync(options ?? new LanAccessOptions { BindAddress = IPAddress.Loopback }, daemon, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);

    private static HttpClient LanClient(LanAccessServer lan) => new() { BaseAddress = new Uri($"http://{lan.LocalEndPoint}") };

    [Fact]
    public async Task LanRequest_ReachesTheLocalService()
    {
        await using var lan = await StartLanAsync(fixture.Daemon.Daemon);
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
        await using var lan = await StartLanAsync(fixture.Daemon.Daemon);
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
        await using var lan = await StartLanAsync(daemon.Daemon);
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
        await using var lan = await StartLanAsync(daemon.Daemon);
        using var client = LanClient(lan);

        using var relayed = await fixture.Edge.Client.GetAsync($"/v1/devices/{deviceId}/api/hello", Token);
        using var local = await client.GetAsync("/hello", Token);

        Assert.Equal("hello from the application: GET /hello", await relayed.Content.ReadAsStringAsync(Token));
        Assert.Equal("hello from the application: GET /hello", await local.Content.ReadAsStringAsync(Token));
    }

    [Fact]
    public async Task LanOverHttps_ServesWithTheGivenCertificate()
    {
        using var certificate = TestCertificates.SelfSignedServer();
        await using var lan = await StartLanAsync(fixture.Daemon.Daemon, new LanAccessOptions { BindAddress = IPAddress.Loopback, Certificate = certificate });
        X509Certificate2? presented = null;
        using var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                // Self-signed, as on a device: the client pins the certificate it was given.
                RemoteCertificateValidationCallback = (_, cert, _, _) =>
                {
                    presented = cert is null ? null : X509CertificateLoader.LoadCertificate(cert.GetRawCertData());
                    return presented?.Thumbprint == certificate.Thumbprint;
                },
            },
        };
        using var client = new HttpClient(handler) { BaseAddress = new Uri($"https://localhost:{lan.LocalEndPoint.Port}") };

        using var get = await client.GetAsync("/echo/lan-https?tls=1", Token);
        using var post = await client.PostAsync("/mirror", new StringContent("over TLS on the LAN", Encoding.UTF8, "text/plain"), Token);

        Assert.Equal("https", lan.Scheme);
        Assert.Equal(certificate.Thumbprint, presented?.Thumbprint);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Contains("/echo/lan-https?tls=1", await get.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.Equal("over TLS on the LAN", await post.Content.ReadAsStringAsync(Token));
        presented?.Dispose();
    }

    [Fact]
    public async Task LanPlainHttpToTheHttpsListener_IsNotServed()
    {
        using var certificate = TestCertificates.SelfSignedServer();
        await using var lan = await StartLanAsync(fixture.Daemon.Daemon, new LanAccessOptions { BindAddress = IPAddress.Loopback, Certificate = certificate });
        using var client = LanClient(lan);
        var before = fixture.Service.Requests;

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("/echo/plain", Token));
        Assert.Equal(before, fixture.Service.Requests);
    }

    [Fact]
    public async Task LanBodyOverTheLimit_IsAnswered413WithAJsonBody()
    {
        await using var lan = await StartLanAsync(fixture.Daemon.Daemon, new LanAccessOptions { BindAddress = IPAddress.Loopback, MaxBodyBytes = 1024 });
        using var client = LanClient(lan);
        var before = fixture.Service.Requests;

        using var tooLarge = await client.PostAsync("/mirror", new ByteArrayContent(new byte[4096]), Token);
        using var chunkedTooLarge = await client.PostAsync("/mirror", new StreamContent(new NonSeekable(new byte[4096])), Token);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal("application/json", tooLarge.Content.Headers.ContentType?.MediaType);
        Assert.Equal("{\"error\":413,\"message\":\"Body over 1024 bytes.\"}", await tooLarge.Content.ReadAsStringAsync(Token));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunkedTooLarge.StatusCode);
        Assert.Equal(before, fixture.Service.Requests);
    }

    [Fact]
    public async Task LanServiceDown_IsAnswered502WithAJsonBody()
    {
        const string deviceId = "lan-service-down";
        var secret = await fixture.Edge.ProvisionAsync(deviceId);
        await using var daemon = TestDaemon.Launch(TestDaemon.Options(deviceId, secret, new Uri($"http://127.0.0.1:{FreePort.Next()}"), fixture.Edge.DevicePort));
        await using var lan = await StartLanAsync(daemon.Daemon);
        using var client = LanClient(lan);

        using var response = await client.GetAsync("/anything", Token);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));
        Assert.Equal(502, error.RootElement.GetProperty("error").GetInt32());
        Assert.StartsWith("The device's service failed", error.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LanExpectContinue_IsAnsweredBeforeTheBody_AndTheConnectionKeptAlive()
    {
        await using var lan = await StartLanAsync(fixture.Daemon.Daemon);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(lan.LocalEndPoint, Token);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        using var reader = new StreamReader(stream, Encoding.ASCII);

        await stream.WriteAsync(Encoding.ASCII.GetBytes("POST /mirror HTTP/1.1\r\nHost: lan\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"), Token);
        var interim = await Eventually.Within(reader.ReadLineAsync(Token).AsTask(), "the 100 Continue");
        Assert.Equal("HTTP/1.1 100 Continue", interim);
        Assert.Equal(string.Empty, await reader.ReadLineAsync(Token));
        await stream.WriteAsync("hello"u8.ToArray(), Token);
        var first = await ReadResponseAsync(reader);
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /echo/second HTTP/1.1\r\nHost: lan\r\n\r\n"), Token);
        var second = await ReadResponseAsync(reader);

        Assert.Equal("HTTP/1.1 200 OK", first.Status);
        Assert.Equal("hello", first.Body);
        Assert.Equal("HTTP/1.1 200 OK", second.Status);
        Assert.Contains("/echo/second", second.Body, StringComparison.Ordinal);
    }

    /// <summary>Reads one response with a Content-Length or chunked body off a raw connection.</summary>
    private static async Task<(string Status, string Body)> ReadResponseAsync(StreamReader reader)
    {
        var status = await Eventually.Within(reader.ReadLineAsync(Token).AsTask(), "a response") ?? throw new EndOfStreamException();
        int? length = null;
        var chunked = false;
        for (var line = await reader.ReadLineAsync(Token); !string.IsNullOrEmpty(line); line = await reader.ReadLineAsync(Token))
        {
            var (name, value) = (line.Split(':', 2)[0].Trim(), line.Split(':', 2)[1].Trim());
            length = name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : length;
            chunked |= name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && value.Equals("chunked", StringComparison.OrdinalIgnoreCase);
        }

        var body = new StringBuilder();
        if (length is { } count)
        {
            var buffer = new char[count];
            await reader.ReadBlockAsync(buffer, Token);
            body.Append(buffer);
        }
        else if (chunked)
        {
            for (var size = Convert.ToInt32(await reader.ReadLineAsync(Token), 16); size > 0; size = Convert.ToInt32(await reader.ReadLineAsync(Token), 16))
            {
                var buffer = new char[size];
                await reader.ReadBlockAsync(buffer, Token);
                body.Append(buffer);
                await reader.ReadLineAsync(Token);
            }

            await reader.ReadLineAsync(Token);
        }

        return (status, body.ToString());
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
