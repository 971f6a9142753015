using System.Buffers;
using System.Text;
using OrleansRelay.FunctionalTests.TestUtilities;
using OrleansRelay.Wire;

namespace OrleansRelay.FunctionalTests.Security;

/// <summary>
/// A device (speaking the wire protocol by hand) that answers with a response head built to smuggle a header or a
/// second response: the edge refuses that one response (502) and keeps the connection, so the device's next answer
/// is relayed normally and nothing it injected reaches the client.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class MaliciousDeviceResponseTests(SecurityFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nX-A: a\rSet-Cookie: injected=1\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nX-A: a\nSet-Cookie: injected=1\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nX-A: a\0b\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nSet-Cookie: injected=1\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\n Set-Cookie: injected=1\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nSet-Cookie : injected=1\r\n\r\n")]
    public async Task SmugglingResponseHead_Is502ForThatRequest_AndTheConnectionKeepsServing(string head)
    {
        var id = "sec-evil-" + Guid.NewGuid().ToString("N")[..8];
        var secret = await fixture.Edge.ProvisionAsync(id);
        await using var device = await RawDevice.ConnectAsync(fixture.Edge.DevicePort);
        Assert.Equal(FrameType.Accept, (await device.HandshakeAsync(id, secret)).Type);

        var evil = fixture.Edge.Client.GetAsync($"/v1/devices/{id}/api/evil", Ct);
        var stream = await RequestStreamAsync(device);
        await device.SendAsync(OutboundFrame.CreateStream(FrameType.ResponseHead, stream, StreamFlags.EndStream, Encoding.UTF8.GetBytes(head)));
        using var refused = await evil;

        Assert.Equal(System.Net.HttpStatusCode.BadGateway, refused.StatusCode);
        Assert.False(refused.Headers.Contains("Set-Cookie"));
        Assert.Contains("invalid response head", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        var next = fixture.Edge.Client.GetAsync($"/v1/devices/{id}/api/next", Ct);
        var nextStream = await RequestStreamAsync(device);
        await device.SendAsync(OutboundFrame.CreateStream(FrameType.ResponseHead, nextStream, StreamFlags.None, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n"u8));
        await device.SendAsync(OutboundFrame.CreateStream(FrameType.Data, nextStream, StreamFlags.EndStream, "fine"u8));
        using var served = await next;

        Assert.Equal(System.Net.HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("fine", await served.Content.ReadAsStringAsync(Ct));
    }

    private static async Task<uint> RequestStreamAsync(RawDevice device)
    {
        var payload = await device.ReadUntilAsync(FrameType.RequestHead);
        var frame = StreamFrame.Parse(new ReadOnlySequence<byte>(payload));
        if (!frame.EndStream)
        {
            await device.ReadUntilAsync(FrameType.Data);
        }

        return frame.StreamId;
    }
}
