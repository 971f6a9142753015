using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.Security;

/// <summary>
/// Malformed and ambiguous requests sent to the edge on a bare socket. Each is refused (Kestrel's own 400, asserted)
/// or normalized; the device's service, which records the raw bytes it receives, never sees a second (smuggled)
/// request, a client-chosen <c>Host</c>, a forged forwarding header, or a CR, LF or NUL.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class RequestSmugglingTests(SecurityFixture fixture)
{
    private const string Smuggled = "GET /v1/devices/sec-a/api/smuggled HTTP/1.1\r\nHost: x\r\nX-Admin-Key: " + TestEdge.AdminKey + "\r\n\r\n";

    public static TheoryData<string, string> RefusedByKestrel => new()
    {
        { "duplicate Content-Length", Post("Content-Length: 5", "Content-Length: 6") + "hello!" },
        { "Content-Length list", Post("Content-Length: 5, 6") + "hello!" },
        { "negative Content-Length", Post("Content-Length: -1") },
        { "unknown Transfer-Encoding", Post("Transfer-Encoding: xchunked", "Content-Length: 5") + "hello" },
        { "chunked not last", Post("Transfer-Encoding: chunked, identity") + "5\r\nhello\r\n0\r\n\r\n" },
        { "space before colon", Post("Transfer-Encoding : chunked", "Content-Length: 5") + "hello" },
        { "obsolete line folding", Post("X-Folded: a", " Transfer-Encoding: chunked", "Content-Length: 5") + "hello" },
        { "NUL in a header value", Post("X-Nul: a\0b", "Content-Length: 0") },
        { "CR in a header value", Post("X-Cr: a\rX-Injected: 1", "Content-Length: 0") },
        { "NUL in the path", "GET /v1/devices/sec-a/api/a\0b HTTP/1.1\r\nHost: x\r\nX-Admin-Key: " + TestEdge.AdminKey + "\r\n\r\n" },
        { "two Host headers", Post("Host: evil.example", "Content-Length: 0") },
        { "Host with a path", "GET /v1/devices/sec-a/api/echo HTTP/1.1\r\nHost: evil.example/x\r\nX-Admin-Key: " + TestEdge.AdminKey + "\r\n\r\n" },
        { "absolute-form naming another host", "GET http://evil.example/v1/devices/sec-a/api/abs HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Admin-Key: " + TestEdge.AdminKey + "\r\n\r\n" },
        { "bad chunk size", Post("Transfer-Encoding: chunked") + "5x\r\nhello\r\n0\r\n\r\n" },
    };

    [Theory]
    [MemberData(nameof(RefusedByKestrel))]
    public async Task MalformedOrAmbiguousFraming_Is400_AndNothingReachesTheDevice(string what, string request)
    {
        var before = fixture.ServiceA.Requests.Count;

        var responses = await RawHttp.SendAsync(fixture.Edge.HttpEndPoint, request + Smuggled);

        Assert.True(responses.Count >= 1, $"{what}: no response");
        Assert.Equal(400, responses[0].Status);
        Assert.Equal(before, fixture.ServiceA.Requests.Count);
    }

    [Fact]
    public async Task ChunkedWithContentLength_UsesChunked_AndClosesTheConnection()
    {
        // TE + CL: Kestrel frames by Transfer-Encoding, drops Content-Length (RFC 9112 §6.3) and closes the connection
        // after the response, so the bytes after the last chunk are never read as a request at all.
        var first = Post("Transfer-Encoding: chunked", "Content-Length: 3", "Content-Type: text/plain")
            .Replace("Connection: close\r\n", string.Empty, StringComparison.Ordinal)
            + "5\r\nhello\r\n0\r\n\r\n";
        var before = fixture.ServiceA.Requests.Count;

        var responses = await RawHttp.SendAsync(fixture.Edge.HttpEndPoint, first + Smuggled);

        Assert.Equal(200, Assert.Single(responses).Status);
        var received = fixture.ServiceA.Requests.Skip(before).ToList();
        var request = Assert.Single(received);
        Assert.Equal("/echo", request.Target);
        Assert.Equal("hello", System.Text.Encoding.ASCII.GetString(request.Body));
        Assert.DoesNotContain("smuggled", request.Head, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChunkedBodyHoldingARequest_ArrivesAsBodyBytes_NeverAsARequest()
    {
        var body = "GET /smuggled HTTP/1.1\r\nHost: device\r\n\r\n";
        var request = Post("Transfer-Encoding: chunked", "Content-Type: text/plain")
            + $"{body.Length:x}\r\n{body}\r\n0\r\n\r\n";
        var before = fixture.ServiceA.Requests.Count;

        var responses = await RawHttp.SendAsync(fixture.Edge.HttpEndPoint, request);

        Assert.Equal(200, Assert.Single(responses).Status);
        var received = Assert.Single(fixture.ServiceA.Requests.Skip(before));
        Assert.Equal("/echo", received.Target);
        Assert.Equal(body, System.Text.Encoding.ASCII.GetString(received.Body));
    }

    [Fact]
    public async Task BareLineFeeds_AreAcceptedByKestrel_AndReachTheDeviceAsOneCleanRequest()
    {
        var request = $"POST /v1/devices/sec-a/api/echo HTTP/1.1\nHost: x\nX-Admin-Key: {TestEdge.AdminKey}\nConnection: close\nContent-Length: 5\n\nhello";
        var before = fixture.ServiceA.Requests.Count;

        var responses = await RawHttp.SendAsync(fixture.Edge.HttpEndPoint, request + Smuggled);

        Assert.Equal(200, Assert.Single(responses).Status);
        var received = Assert.Single(fixture.ServiceA.Requests.Skip(before));
        Assert.Equal("POST /echo HTTP/1.1", received.RequestLine);
        Assert.Equal("hello", System.Text.Encoding.ASCII.GetString(received.Body));
        Assert.DoesNotContain('\n', received.Head.Replace("\r\n", string.Empty, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AbsoluteFormMatchingHost_ReachesTheDeviceAsOriginForm()
    {
        var before = fixture.ServiceA.Requests.Count;
        var authority = fixture.Edge.HttpEndPoint.ToString();

        var responses = await RawHttp.SendAsync(fixture.Edge.HttpEndPoint, RawHttp.Head(
            $"GET http://{authority}/v1/devices/sec-a/api/abs?x=1 HTTP/1.1",
            $"Host: {authority}",
            $"X-Admin-Key: {TestEdge.AdminKey}",
            "Cache-Control: no-store",
            "Connection: close"));

        Assert.Equal(200, Assert.Single(responses).Status);
        var received = Assert.Single(fixture.ServiceA.Requests.Skip(before));
        Assert.Equal("GET /abs?x=1 HTTP/1.1", received.RequestLine);
    }

    [Fact]
    public async Task SpoofedHostAndForwardingHeaders_DoNotReachTheDevice()
    {
        var before = fixture.ServiceA.Requests.Count;

        var responses = await RawHttp.SendAsync(fixture.Edge.HttpEndPoint, RawHttp.Head(
            "GET /v1/devices/sec-a/api/host HTTP/1.1",
            "Host: evil.example",
            $"X-Admin-Key: {TestEdge.AdminKey}",
            "X-Forwarded-For: 203.0.113.9",
            "X-Forwarded-Host: evil.example",
            "X-Forwarded-Proto: https",
            "Forwarded: for=203.0.113.9;host=evil.example",
            "Cache-Control: no-store",
            "Connection: close"));

        Assert.Equal(200, Assert.Single(responses).Status);
        var received = Assert.Single(fixture.ServiceA.Requests.Skip(before));
        Assert.Equal([fixture.ServiceA.BaseUri.Authority], received.Header("Host"));
        Assert.Equal(["127.0.0.1"], received.Header("X-Forwarded-For"));
        Assert.Equal(["http"], received.Header("X-Forwarded-Proto"));
        Assert.Equal(["evil.example"], received.Header("X-Forwarded-Host"));
        Assert.Empty(received.Header("Forwarded"));
        Assert.Empty(received.Header("X-Admin-Key"));
    }

    private static string Post(params string[] headers) =>
        string.Join("\r\n", new[] { "POST /v1/devices/sec-a/api/echo HTTP/1.1", "Host: x", $"X-Admin-Key: {TestEdge.AdminKey}", "Connection: close" }.Concat(headers))
        + "\r\n\r\n";
}
