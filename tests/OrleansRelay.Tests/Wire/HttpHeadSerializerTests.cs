using System.Buffers;
using System.Text;
using OrleansRelay.Wire;

namespace OrleansRelay.Tests.Wire;

public sealed class HttpHeadSerializerTests
{
    [Fact]
    public void Request_RoundTrips_WithRepeatedHeadersAndUtf8()
    {
        var head = new HttpRequestHead("PATCH", "/zones/1?x=%20y&b=2", [new("Accept", "application/json"), new("X-Tag", "a"), new("X-Tag", "b"), new("X-Name", "Zürich ☂")]);

        var bytes = HttpHeadSerializer.WriteRequest(head);
        var parsed = HttpHeadSerializer.ParseRequest(Segments.Split(bytes, 3));

        Assert.StartsWith("PATCH /zones/1?x=%20y&b=2 HTTP/1.1\r\nAccept: application/json\r\n", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        Assert.Equal(head.Method, parsed.Method);
        Assert.Equal(head.Target, parsed.Target);
        Assert.Equal(head.Headers, parsed.Headers);
    }

    [Fact]
    public void Response_RoundTrips_StatusReasonAndHeaders()
    {
        var head = new HttpResponseHead(418, "I'm a teapot", [new("Content-Type", "text/plain"), new("Set-Cookie", "a=1"), new("Set-Cookie", "b=2")]);

        var parsed = HttpHeadSerializer.ParseResponse(new ReadOnlySequence<byte>(HttpHeadSerializer.WriteResponse(head)));

        Assert.Equal(418, parsed.Status);
        Assert.Equal("I'm a teapot", parsed.Reason);
        Assert.Equal(head.Headers, parsed.Headers);
    }

    [Fact]
    public void Response_EmptyReason_RoundTrips()
    {
        var parsed = HttpHeadSerializer.ParseResponse(new ReadOnlySequence<byte>("HTTP/1.1 204 \r\n\r\n"u8.ToArray()));

        Assert.Equal(204, parsed.Status);
        Assert.Equal(string.Empty, parsed.Reason);
    }

    [Theory]
    [InlineData("value\r\nX-Injected: 1")]
    [InlineData("value\nX-Injected: 1")]
    [InlineData("value\rmore")]
    [InlineData("nul\0byte")]
    public void WriteRequest_HeaderValueWithCrLfOrNul_IsRefused(string value)
    {
        var ex = Assert.Throws<ProtocolException>(() =>
            HttpHeadSerializer.WriteRequest(new HttpRequestHead("GET", "/", [new("X-Test", value)])));
        Assert.Equal(ProtocolErrorCode.InvalidHttpHead, ex.Code);
    }

    [Theory]
    [InlineData("X Test")]
    [InlineData("X-Test:")]
    [InlineData("X-Test\r\n")]
    [InlineData("")]
    public void WriteResponse_InvalidHeaderName_IsRefused(string name)
    {
        Assert.Throws<ProtocolException>(() =>
            HttpHeadSerializer.WriteResponse(new HttpResponseHead(200, "OK", [new(name, "v")])));
    }

    [Theory]
    [InlineData("/a b")]
    [InlineData("/a\r\nHost: evil")]
    [InlineData("http://example.com/")]
    [InlineData("")]
    public void WriteRequest_InvalidTarget_IsRefused(string target)
    {
        Assert.Throws<ProtocolException>(() => HttpHeadSerializer.WriteRequest(new HttpRequestHead("GET", target, [])));
    }

    [Fact]
    public void WriteRequest_InvalidMethod_IsRefused()
    {
        Assert.Throws<ProtocolException>(() => HttpHeadSerializer.WriteRequest(new HttpRequestHead("GET /x", "/", [])));
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nX-A: 1\nX-B: 2\r\n\r\n")] // bare LF would smuggle a header past a CRLF-only parser
    [InlineData("GET / HTTP/1.1\r\nX-A : 1\r\n\r\n")] // whitespace before the colon
    [InlineData("GET / HTTP/1.1\r\nX-A: 1\r\n folded\r\n\r\n")] // obsolete line folding
    [InlineData("GET / HTTP/1.1\r\nX-A: a\0b\r\n\r\n")] // NUL in a value
    [InlineData("GET / HTTP/1.1\r\nNoColon\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\n\r\nbody")] // anything after the head
    [InlineData("GET / HTTP/1.1\r\n")] // no terminating empty line
    [InlineData("GET /  HTTP/1.1\r\n\r\n")]
    [InlineData("GET / HTTP/1.0\r\n\r\n")]
    [InlineData("\r\n\r\n")]
    public void ParseRequest_MalformedOrSmuggling_IsRefused(string text)
    {
        var ex = Assert.Throws<ProtocolException>(() => HttpHeadSerializer.ParseRequest(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(text))));
        Assert.Equal(ProtocolErrorCode.InvalidHttpHead, ex.Code);
    }

    [Theory]
    [InlineData("HTTP/1.1 20 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 2000 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 abc OK\r\n\r\n")]
    [InlineData("HTTP/1.1 099 Low\r\n\r\n")]
    [InlineData("HTTP/2 200 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n")]
    public void ParseResponse_BadStatusLineOrHeader_IsRefused(string text)
    {
        Assert.Throws<ProtocolException>(() => HttpHeadSerializer.ParseResponse(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(text))));
    }

    [Fact]
    public void Parse_InvalidUtf8_IsRefused()
    {
        var bytes = "GET / HTTP/1.1\r\nX: "u8.ToArray().Concat(new byte[] { 0xC3, 0x28 }).Concat("\r\n\r\n"u8.ToArray()).ToArray();

        Assert.Throws<ProtocolException>(() => HttpHeadSerializer.ParseRequest(new ReadOnlySequence<byte>(bytes)));
    }
}
