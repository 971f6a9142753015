using System.Buffers;
using System.Text.Json;
using OrleansRelay.Wire;
using OrleansRelay.Wire.Handshake;

namespace OrleansRelay.Tests.Wire;

public sealed class HandshakeTests
{
    [Fact]
    public void Challenge_RoundTrips_AndRejectsWrongLength()
    {
        var challenge = new ChallengeMessage(1, DeviceAuthentication.GenerateNonce());

        var parsed = ChallengeMessage.Parse(new ReadOnlySequence<byte>(challenge.ToPayload()));

        Assert.Equal(challenge.Nonce, parsed.Nonce);
        Assert.Equal(1, parsed.ProtocolVersion);
        Assert.Throws<ProtocolException>(() => ChallengeMessage.Parse(new ReadOnlySequence<byte>(new byte[32])));
    }

    [Fact]
    public void Hello_RoundTrips_WithInfoPassedThroughUnmodified()
    {
        using var info = JsonDocument.Parse("""{"name":"Pump","custom":{"nested":[1,2,3]},"email":"a@b.c"}""");
        var hello = new HelloMessage { Protocol = 1, DeviceId = "pump-1", Proof = "AAAA", Info = info.RootElement };

        var frame = HandshakeJson.ToFrame(FrameType.Hello, hello, WireJsonContext.Default.HelloMessage);
        var parsed = HandshakeJson.Parse(new ReadOnlySequence<byte>(frame.Span[5..].ToArray()), WireJsonContext.Default.HelloMessage);

        Assert.Equal("pump-1", parsed.DeviceId);
        Assert.Equal(info.RootElement.GetRawText(), parsed.Info!.Value.GetRawText());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("null")]
    [InlineData("""{"protocol":1}""")]
    public void Hello_Malformed_IsAProtocolError(string json)
    {
        var ex = Assert.Throws<ProtocolException>(() =>
            HandshakeJson.Parse(new ReadOnlySequence<byte>(System.Text.Encoding.UTF8.GetBytes(json)), WireJsonContext.Default.HelloMessage));
        Assert.Equal(ProtocolErrorCode.MalformedPayload, ex.Code);
    }

    [Fact]
    public void Close_OmitsRetryAfterWhenUnset()
    {
        var frame = HandshakeJson.ToFrame(FrameType.GoAway, new CloseMessage { Code = CloseCodes.Replaced, Reason = "r" }, WireJsonContext.Default.CloseMessage);

        Assert.Equal("""{"code":"replaced","reason":"r"}""", System.Text.Encoding.UTF8.GetString(frame.Span[5..]));
    }
}
