using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.Edge;

/// <summary>Client → edge → grain → edge → daemon → local REST service and back, over real sockets.</summary>
[Collection(RelayCollection.Name)]
public sealed class RelayEndToEndTests(RelayFixture fixture)
{
    private static readonly System.Text.Json.JsonSerializerOptions WebJson = new(System.Text.Json.JsonSerializerDefaults.Web);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private HttpClient Client => fixture.Edge.Client;

    private static string Api(string path) => $"/v1/devices/{RelayFixture.DeviceId}/api/{path}";

    [Fact]
    public async Task Get_DeviceInfo_ReturnsTheLocalServicesJson()
    {
        using var response = await Client.GetAsync(Api("device"), Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var info = await response.Content.ReadFromJsonAsync<Dictionary<string, object>>(Token);
        Assert.Equal("Test device", info!["name"].ToString());
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    public async Task AnyMethod_ReachesTheDeviceWithPathQueryAndBody(string method)
    {
        var body = method == "GET" ? null : Encoding.UTF8.GetBytes($"{{\"method\":\"{method}\"}}");
        using var request = new HttpRequestMessage(new HttpMethod(method), Api("echo/zones/3?b=2&a=%20x&a=y"));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new("application/json");
        }

        using var response = await Client.SendAsync(request, Token);
        var echo = await response.Content.ReadFromJsonAsync<EchoResult>(Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(method, echo!.Method);
        Assert.Equal("/echo/zones/3?b=2&a=%20x&a=y", echo.Target);
        Assert.Equal(body?.Length ?? 0, echo.BodyLength);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(body ?? [])), echo.BodySha256);
        if (body is not null)
        {
            Assert.Equal("application/json", echo.Headers["Content-Type"]);
        }
    }

    [Fact]
    public async Task Post_OneMebibyteBinaryBody_RoundTripsByteForByte()
    {
        var body = RandomNumberGenerator.GetBytes(1024 * 1024);

        using var response = await Client.PostAsync(Api("mirror"), new ByteArrayContent(body), Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body, await response.Content.ReadAsByteArrayAsync(Token));
    }

    [Fact]
    public async Task Get_BodyOfManyFrames_ArrivesWhole()
    {
        // 4 MiB through a connection whose frames carry at most 128 KiB: the body spans hundreds of chunk frames.
        using var response = await Client.GetAsync(Api($"bytes/{TestDeviceService.BigSize}"), Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TestDeviceService.Pattern(TestDeviceService.BigSize), await response.Content.ReadAsByteArrayAsync(Token));
        Assert.True(TestDeviceService.BigSize > RelayFixture.MaxFramePayload * 4);
    }

    [Fact]
    public async Task Post_ChunkedUploadSpanningFrames_RoundTrips()
    {
        var body = RandomNumberGenerator.GetBytes(700_000);
        var content = new StreamContent(new MemoryStream(body));
        content.Headers.ContentLength = null;

        using var response = await Client.PostAsync(Api("mirror"), content, Token);

        Assert.Equal(body, await response.Content.ReadAsByteArrayAsync(Token));
    }

    [Theory]
    [InlineData(201)]
    [InlineData(202)]
    [InlineData(204)]
    [InlineData(400)]
    [InlineData(404)]
    [InlineData(418)]
    [InlineData(500)]
    [InlineData(503)]
    public async Task DeviceStatusAndBody_ArePreserved(int status)
    {
        using var response = await Client.GetAsync(Api($"status/{status}"), Token);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("device", response.Headers.GetValues("X-Status-From").Single());
        Assert.Equal(status == 204 ? string.Empty : $"status {status}", await response.Content.ReadAsStringAsync(Token));
    }

    [Fact]
    public async Task Headers_EndToEndForwarded_HopByHopAndRelayCredentialsStripped()
    {
        var request = string.Join("\r\n",
            $"GET {Api("echo/h")} HTTP/1.1",
            $"Host: {fixture.Edge.HttpEndPoint}",
            $"X-Admin-Key: {TestEdge.AdminKey}",
            "Connection: keep-alive",
            "Keep-Alive: timeout=5",
            "Proxy-Authorization: Basic c2VjcmV0",
            "TE: trailers",
            "Authorization: Bearer relay-level-token",
            "X-Device-Authorization: Bearer device-level-token",
            "X-Custom: hello",
            "Accept: application/json",
            string.Empty,
            string.Empty);

        var (status, headers, body) = await RawHttpAsync(fixture.Edge.HttpEndPoint, request);
        var echo = System.Text.Json.JsonSerializer.Deserialize<EchoResult>(body, WebJson)!;

        Assert.Equal(200, status);
        Assert.Equal("hello", echo.Headers["X-Custom"]);
        Assert.Equal("application/json", echo.Headers["Accept"]);
        Assert.Equal("Bearer device-level-token", echo.Headers["Authorization"]);
        Assert.Equal("127.0.0.1", echo.Headers["X-Forwarded-For"]);
        foreach (var stripped in new[] { "X-Admin-Key", "Connection", "Keep-Alive", "Proxy-Authorization", "TE", "X-Device-Authorization" })
        {
            Assert.False(echo.Headers.ContainsKey(stripped), $"{stripped} reached the device: {string.Join("; ", echo.Headers.Select(h => h.Key + "=" + h.Value))}");
        }

        Assert.Contains("X-Device-Echo: 1", headers);
        // The device's cookies would be the edge origin's cookies: stripped unless Edge:PassDeviceCookies is set.
        Assert.DoesNotContain("Set-Cookie", headers, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Transfer-Encoding", headers, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("/v1/devices/e2e-1/./api/echo/b?x=1", "/echo/b?x=1")]
    [InlineData("/v1/devices/e2e-1/api/echo/a/../b?x=1", "/echo/b?x=1")]
    [InlineData("/v1/devices/e2e-1/api/echo?y=%2F", "/echo?y=%2F")]
    public async Task TargetSpellings_ReachTheSameDevicePath(string target, string expected)
    {
        var request = string.Join("\r\n",
            $"GET {target} HTTP/1.1",
            $"Host: {fixture.Edge.HttpEndPoint}",
            $"X-Admin-Key: {TestEdge.AdminKey}",
            "Cache-Control: no-store",
            string.Empty,
            string.Empty);

        var (status, _, body) = await RawHttpAsync(fixture.Edge.HttpEndPoint, request);

        Assert.Equal(200, status);
        Assert.Equal(expected, System.Text.Json.JsonSerializer.Deserialize<EchoResult>(body, WebJson)!.Target);
    }

    [Fact]
    public async Task Head_KeepsTheDevicesContentLengthWithoutABody()
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, Api("bytes/1234"));

        using var response = await Client.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1234, response.Content.Headers.ContentLength);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Token));
    }

    [Fact]
    public async Task HundredConcurrentRequests_OverlapAtTheDevice_AndEachGetsItsOwnAnswer()
    {
        fixture.Service.InFlightTarget = 8;

        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
        {
            using var response = await Client.GetAsync(Api($"inflight/{i}"), Token);
            return (i, response.StatusCode, Body: await response.Content.ReadAsStringAsync(Token));
        }));

        Assert.All(responses, r =>
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal(r.i.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Body);
        });
        Assert.True(fixture.Service.MaxInFlight >= 8, $"at most {fixture.Service.MaxInFlight} requests were in flight at the device at once");
    }

    [Fact]
    public async Task LargeResponseStreaming_DoesNotHoldUpSmallRequestsOnTheSameConnection()
    {
        var gate = "hol-" + Guid.NewGuid().ToString("N");
        var big = Client.GetByteArrayAsync(Api($"big?gate={gate}"), Token);
        await Eventually.Within(fixture.Service.Gate(gate + "-started").Task.ContinueWith(_ => true, Token), "the 4 MiB response to start streaming");

        var small = await Eventually.Within(
            Task.WhenAll(Enumerable.Range(0, 50).Select(i => Client.GetStringAsync(Api($"echo/small/{i}"), Token))),
            "50 small requests while a 4 MiB response is mid-stream");

        Assert.False(big.IsCompleted, "the large response finished before the small ones were checked");
        Assert.Equal(50, small.Length);
        Assert.All(small.Select((s, i) => (s, i)), x => Assert.Contains($"/echo/small/{x.i}", x.s, StringComparison.Ordinal));
        fixture.Service.Gate(gate).TrySetResult();
        Assert.Equal(TestDeviceService.Pattern(TestDeviceService.BigSize), await Eventually.Within(big, "the 4 MiB response"));
    }

    [Fact]
    public async Task Body_OverTheLimit_Is413_DeclaredOrChunked()
    {
        var oversize = new byte[RelayFixture.MaxBodyBytes + 1];
        using var declared = await Client.PostAsync(Api("mirror"), new ByteArrayContent(oversize), Token);
        var chunkedContent = new StreamContent(new MemoryStream(oversize));
        chunkedContent.Headers.ContentLength = null;
        using var chunked = await Client.PostAsync(Api("mirror"), chunkedContent, Token);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunked.StatusCode);
        Assert.Contains("\"error\":413", await declared.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Relay_WithoutOrWithWrongAdminKey_Is401()
    {
        using var anonymous = new HttpClient { BaseAddress = Client.BaseAddress };
        using var missing = await anonymous.GetAsync(Api("device"), Token);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, Api("device"));
        wrong.Headers.Add("X-Admin-Key", "not-the-key-at-all");
        using var wrongResponse = await anonymous.SendAsync(wrong, Token);

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("{\"error\":401,\"message\":\"Unauthorized\"}", await missing.Content.ReadAsStringAsync(Token));
        Assert.Equal(HttpStatusCode.Unauthorized, wrongResponse.StatusCode);
    }

    [Fact]
    public async Task Metrics_ArePrometheusText_ForOperatorsOnly()
    {
        using (await Client.GetAsync(Api("device"), Token))
        {
        }

        var text = await Client.GetStringAsync("/metrics", Token);
        using var anonymous = new HttpClient { BaseAddress = Client.BaseAddress };
        using var refused = await anonymous.GetAsync("/metrics", Token);
        using var bearer = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        bearer.Headers.Authorization = new("Bearer", TestEdge.AdminKey);
        using var scraper = await anonymous.SendAsync(bearer, Token);

        Assert.Contains("orleansrelay_edge_device_connections", text, StringComparison.Ordinal);
        Assert.Contains("orleansrelay_edge_relay_duration_seconds_bucket", text, StringComparison.Ordinal);
        Assert.Contains("orleansrelay_edge_device_handshakes", text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, scraper.StatusCode);
    }

    [Fact]
    public async Task MemoryProbe_ForOperatorsOnly_ReportsHeapAfterFullGc()
    {
        using var anonymous = new HttpClient { BaseAddress = Client.BaseAddress };
        using var refused = await anonymous.PostAsync("/v1/admin/diagnostics/memory", content: null, Token);
        using var response = await Client.PostAsync("/v1/admin/diagnostics/memory", content: null, Token);
        var report = await response.Content.ReadFromJsonAsync<OrleansRelay.Silo.Diagnostics.MemoryReport>(Token);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(report);
        Assert.True(report.HeapBytes > 0 && report.RssBytes > 0 && report.Threads > 0, $"heap {report.HeapBytes}, RSS {report.RssBytes}, threads {report.Threads}");
        Assert.Equal(5, report.Generations.Count);
        Assert.NotEmpty(report.GcSettings);
    }

    [Fact]
    public async Task UnknownDevice_Is404()
    {
        using var response = await Client.GetAsync("/v1/devices/no-such-device/api/device", Token);
        using var malformed = await Client.GetAsync("/v1/devices/bad%20id/api/device", Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("{\"error\":404,\"message\":\"Unknown device.\"}", await response.Content.ReadAsStringAsync(Token));
        Assert.Equal(HttpStatusCode.NotFound, malformed.StatusCode);
    }

    private static async Task<(int Status, string Headers, string Body)> RawHttpAsync(IPEndPoint endPoint, string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(endPoint, Token);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), Token);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var statusLine = await reader.ReadLineAsync(Token) ?? throw new IOException("no response");
        var headers = new StringBuilder();
        var length = 0;
        var chunked = false;
        string? line;
        while (!string.IsNullOrEmpty(line = await reader.ReadLineAsync(Token)))
        {
            headers.AppendLine(line);
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                length = int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }

            chunked |= line.Equals("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase);
        }

        if (chunked)
        {
            // A streamed body of unknown length arrives chunked (ASCII test bodies: characters are bytes).
            var chunks = new StringBuilder();
            while (int.Parse(await reader.ReadLineAsync(Token) ?? "0", System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture) is var size and > 0)
            {
                var chunk = new char[size];
                for (var got = 0; got < size;)
                {
                    got += await reader.ReadAsync(chunk.AsMemory(got), Token);
                }

                chunks.Append(chunk);
                await reader.ReadLineAsync(Token);
            }

            return (int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), headers.ToString(), chunks.ToString());
        }

        var body = new char[length];
        var read = 0;
        while (read < length)
        {
            read += await reader.ReadAsync(body.AsMemory(read), Token);
        }

        return (int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), headers.ToString(), new string(body));
    }
}
