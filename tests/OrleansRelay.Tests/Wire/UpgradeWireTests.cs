using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using OrleansRelay.Wire;
using OrleansRelay.Wire.Handshake;

namespace OrleansRelay.Tests.Wire;

public sealed class UpgradeWireTests
{
    [Theory]
    [InlineData(0x02, true, false)]
    [InlineData(0x03, true, true)]
    [InlineData(0x01, false, true)]
    [InlineData(0x00, false, false)]
    public void StreamFrame_OnAHead_AcceptsUpgradeAndEndStream(byte flags, bool upgrade, bool endStream)
    {
        var frame = StreamFrame.Parse(Payload(7, flags, "x"), allowUpgrade: true);

        Assert.Equal(7u, frame.StreamId);
        Assert.Equal(upgrade, frame.Upgrade);
        Assert.Equal(endStream, frame.EndStream);
        Assert.Equal(upgrade && endStream, frame.IsInvalidUpgrade);
        Assert.Equal("x", Encoding.ASCII.GetString(frame.Content.ToArray()));
    }

    [Theory]
    [InlineData(0x02)]
    [InlineData(0x03)]
    public void StreamFrame_UpgradeOnData_IsAReservedBit(byte flags)
    {
        // Data frames, and heads parsed by a peer that takes no part in upgrades (the one-argument overload).
        var onData = Assert.Throws<ProtocolException>(() => StreamFrame.Parse(Payload(1, flags, ""), allowUpgrade: false));
        var legacy = Assert.Throws<ProtocolException>(() => StreamFrame.Parse(Payload(1, flags, "")));

        Assert.Equal(ProtocolErrorCode.MalformedPayload, onData.Code);
        Assert.Equal(ProtocolErrorCode.MalformedPayload, legacy.Code);
        Assert.Contains("Reserved stream flags", onData.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0x04)]
    [InlineData(0x08)]
    [InlineData(0x10)]
    [InlineData(0x20)]
    [InlineData(0x40)]
    [InlineData(0x80)]
    [InlineData(0x06)]
    public void StreamFrame_ReservedBits_AreRefusedOnHeadsAndData(byte flags)
    {
        Assert.Throws<ProtocolException>(() => StreamFrame.Parse(Payload(1, flags, ""), allowUpgrade: true));
        Assert.Throws<ProtocolException>(() => StreamFrame.Parse(Payload(1, flags, ""), allowUpgrade: false));
    }

    [Fact]
    public void Hello_WithoutFeatures_OmitsThemAndHasNone()
    {
        var hello = new HelloMessage { Protocol = 1, DeviceId = "pump-1", Proof = "AAAA" };

        var json = Encoding.UTF8.GetString(HandshakeJson.ToFrame(FrameType.Hello, hello, WireJsonContext.Default.HelloMessage).Span[5..]);
        var parsed = HandshakeJson.Parse(new ReadOnlySequence<byte>("""{"protocol":1,"deviceId":"d","proof":"AAAA"}"""u8.ToArray()), WireJsonContext.Default.HelloMessage);

        Assert.DoesNotContain("features", json, StringComparison.Ordinal);
        Assert.Null(parsed.Features);
        Assert.False(parsed.HasFeature(HelloFeatures.Upgrade));
    }

    [Fact]
    public void Hello_WithFeatures_RoundTripsAndIgnoresUnknownNames()
    {
        var hello = new HelloMessage { Protocol = 1, DeviceId = "pump-1", Proof = "AAAA", Features = [HelloFeatures.Upgrade] };

        var json = Encoding.UTF8.GetString(HandshakeJson.ToFrame(FrameType.Hello, hello, WireJsonContext.Default.HelloMessage).Span[5..]);
        var future = HandshakeJson.Parse(
            new ReadOnlySequence<byte>("""{"protocol":1,"deviceId":"d","proof":"AAAA","features":["teleport","upgrade"]}"""u8.ToArray()),
            WireJsonContext.Default.HelloMessage);

        Assert.Equal("""{"protocol":1,"deviceId":"pump-1","proof":"AAAA","info":null,"features":["upgrade"]}""", json);
        Assert.Equal("upgrade", HelloFeatures.Upgrade);
        Assert.True(future.HasFeature(HelloFeatures.Upgrade));
        Assert.False(future.HasFeature("Upgrade"));
    }

    [Fact]
    public void UpgradeExamples_MatchProtocolMdByteForByte()
    {
        var request = OutboundFrame.CreateStream(FrameType.RequestHead, 3, StreamFlags.Upgrade, HttpHeadSerializer.WriteRequest(new HttpRequestHead(
            "GET",
            "/ws",
            [new("Upgrade", "websocket"), new("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="), new("Sec-WebSocket-Version", "13")])));
        var response = OutboundFrame.CreateStream(FrameType.ResponseHead, 3, StreamFlags.Upgrade, HttpHeadSerializer.WriteResponse(new HttpResponseHead(
            101,
            "Switching Protocols",
            [new("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), new("Upgrade", "websocket")])));

        Assert.Equal(request.Span.ToArray(), DocumentedFrame("Upgrade RequestHead"));
        Assert.Equal(response.Span.ToArray(), DocumentedFrame("Upgrade ResponseHead (101)"));
        // The dump format (offsets, padding, printable column) is the one of the other examples.
        Assert.Equal(HexDump(request.Span.ToArray()), DocumentedDump("Upgrade RequestHead"));
        Assert.Equal(HexDump(response.Span.ToArray()), DocumentedDump("Upgrade ResponseHead (101)"));
        var formatCheck = OutboundFrame.CreateStream(FrameType.RequestHead, 1, StreamFlags.None, "POST /zones/1/water HTTP/1.1\r\nContent-Type: application/json\r\n\r\n"u8);
        Assert.Equal(HexDump(formatCheck.Span.ToArray()), DocumentedDump("RequestHead"));

        // And the documented frames decode to what the text says: RFC 6455's key and its accept value.
        var head = StreamFrame.Parse(new ReadOnlySequence<byte>(DocumentedFrame("Upgrade ResponseHead (101)").AsMemory(5)), allowUpgrade: true);
        Assert.True(head.Upgrade);
        Assert.False(head.EndStream);
        Assert.Equal(101, HttpHeadSerializer.ParseResponse(head.Content).Status);
    }

    private static ReadOnlySequence<byte> Payload(uint streamId, byte flags, string content)
    {
        var bytes = new byte[5 + content.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, streamId);
        bytes[4] = flags;
        Encoding.ASCII.GetBytes(content).CopyTo(bytes, 5);
        return Segments.OneBytePerSegment(bytes);
    }

    private static byte[] DocumentedFrame(string title) =>
        Convert.FromHexString(string.Concat(DocumentedDump(title).Split('\n').Select(line => line[6..53].Replace(" ", string.Empty, StringComparison.Ordinal))));

    private static string DocumentedDump(string title)
    {
        var protocol = File.ReadAllText(Path.Combine(RepositoryPaths.Root(), "docs", "protocol.md")).ReplaceLineEndings("\n");
        var match = Regex.Match(protocol, "^#### " + Regex.Escape(title) + @" \((\d+) bytes\)\n```\n(.*?)\n```", RegexOptions.Multiline | RegexOptions.Singleline);
        Assert.True(match.Success, $"docs/protocol.md has no example '{title}'");
        var dump = match.Groups[2].Value;
        Assert.Equal(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), dump.Split('\n').Sum(line => line[6..53].Split(' ', StringSplitOptions.RemoveEmptyEntries).Length));
        return dump;
    }

    private static string HexDump(byte[] bytes) => string.Join('\n', bytes.Chunk(16).Select((chunk, i) =>
        $"{i * 16:x4}  {string.Join(' ', chunk.Select(b => b.ToString("x2", CultureInfo.InvariantCulture))),-47}  {new string(chunk.Select(b => b is >= 0x20 and < 0x7f ? (char)b : '.').ToArray())}"));
}
