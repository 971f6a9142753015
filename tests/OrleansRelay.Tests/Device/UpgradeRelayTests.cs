using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using OrleansRelay.Device;
using OrleansRelay.Wire;
using OrleansRelay.Wire.Handshake;

namespace OrleansRelay.Tests.Device;

/// <summary>
/// The daemon's side of relaying WebSocket upgrades, end to end without an edge: the test plays the edge on a real
/// <see cref="RelaySession"/>, the daemon forwards to a real Kestrel WebSocket service on loopback, and a real
/// WebSocket client runs on top of the stream's Data frames.
/// </summary>
public sealed class UpgradeRelayTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private WebSocketEchoService _service = null!;
    private LocalForwarder _forwarder = null!;
    private EdgeHarness _edge = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _service = await WebSocketEchoService.StartAsync();
        _forwarder = new LocalForwarder(_service.BaseUri, 4, TimeSpan.FromSeconds(5));
        _edge = new EdgeHarness(_forwarder);
    }

    public async ValueTask DisposeAsync()
    {
        await _edge.DisposeAsync();
        _forwarder.Dispose();
        await _service.DisposeAsync();
    }

    [Fact]
    public async Task Upgrade_WebSocketEcho_TextBinaryPingAndCloseCodeTravelThroughTheTunnel()
    {
        var (stream, key) = OpenWebSocket("/echo");

        var (flags, head) = await stream.Head.Task.WaitAsync(Patience, Token);
        Assert.Equal(StreamFlags.Upgrade, flags);
        Assert.Equal(101, head.Status);
        Assert.Equal("Switching Protocols", head.Reason);
        Assert.Equal("websocket", Single(head, "Upgrade"));
        Assert.Equal(AcceptFor(key), Single(head, "Sec-WebSocket-Accept"));
        Assert.DoesNotContain(head.Headers, h => h.Key.Equals("Connection", StringComparison.OrdinalIgnoreCase));

        // A ping, hand-encoded (the WebSocket API sends none on request): masked client frame, unmasked pong back.
        byte[] mask = [0x37, 0xfa, 0x21, 0x3d];
        var ping = new byte[] { 0x89, 0x80 | 4 }.Concat(mask).Concat("ping"u8.ToArray().Select((b, i) => (byte)(b ^ mask[i]))).ToArray();
        await stream.WriteAsync(ping, Token);
        var pong = new byte[6];
        await stream.Body.ReadExactlyAsync(pong, Token).AsTask().WaitAsync(Patience, Token);
        Assert.Equal(new byte[] { 0x8a, 4 }.Concat("ping"u8.ToArray()), pong);

        using var socket = WebSocket.CreateFromStream(new TunnelStream(stream), new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
        await socket.SendAsync("grüezi ☂"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, Token);
        AssertMessage(WebSocketMessageType.Text, "grüezi ☂"u8.ToArray(), await ReceiveAsync(socket));
        var binary = Pattern(70_000);
        await socket.SendAsync(binary, WebSocketMessageType.Binary, endOfMessage: true, Token);
        AssertMessage(WebSocketMessageType.Binary, binary, await ReceiveAsync(socket));

        await socket.CloseAsync((WebSocketCloseStatus)4001, "bye", Token).WaitAsync(Patience, Token);
        Assert.Equal((WebSocketCloseStatus)4001, socket.CloseStatus);
        Assert.Equal("bye", socket.CloseStatusDescription);

        // The service closes its connection after the close handshake: the daemon ends its half.
        await stream.Ended.Task.WaitAsync(Patience, Token);
        Assert.False(stream.Reset.Task.IsCompleted, "the tunnel was reset instead of ended");
        Assert.True(stream.IsWithinWindow, $"the daemon went beyond the window: {stream.MaxInFlight} bytes in flight, {stream.Overruns} overruns");
    }

    [Fact]
    public async Task Upgrade_TenMiBMessage_EchoesWithoutBodyLimitAndNeverBeyondTheWindow()
    {
        var (stream, _) = OpenWebSocket("/echo");
        await stream.Head.Task.WaitAsync(Patience, Token);
        using var socket = WebSocket.CreateFromStream(new TunnelStream(stream), new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
        var message = Pattern(10 * 1024 * 1024);

        // The edge-to-device half only moves as the daemon grants credit, i.e. as it writes to the service.
        await socket.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, Token).WaitAsync(Patience, Token);
        // Nothing reads yet: the daemon fills the window exactly, then must wait for credit.
        await stream.WaitForAsync(s => s.InFlight >= EdgeHarness.Settings.StreamWindow, "the daemon filling the window");
        Assert.Equal(EdgeHarness.Settings.StreamWindow, stream.InFlight);

        AssertMessage(WebSocketMessageType.Binary, message, await ReceiveAsync(socket));
        Assert.Equal(0, stream.Overruns);
        Assert.Equal(EdgeHarness.Settings.StreamWindow, stream.MaxInFlight);
        Assert.True(stream.Received > EdgeHarness.Settings.MaxBodyBytes * 10, $"only {stream.Received} bytes came back");

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, Token).WaitAsync(Patience, Token);
        await stream.Ended.Task.WaitAsync(Patience, Token);
    }

    [Fact]
    public async Task Upgrade_EdgeEndsItsHalf_ServiceSeesEndOfInputAndTheDaemonEndsTheOtherHalf()
    {
        // Any protocol, not only WebSocket: the service echoes bytes until its input ends, then ends its output.
        var stream = _edge.Open(new HttpRequestHead("GET", "/raw", [new("Upgrade", "echo")]), StreamFlags.Upgrade);
        var (flags, head) = await stream.Head.Task.WaitAsync(Patience, Token);
        Assert.Equal((StreamFlags.Upgrade, 101, "echo"), (flags, head.Status, Single(head, "Upgrade")));
        await stream.WriteAsync("abc"u8.ToArray(), Token);
        // The echo first: Kestrel (the test's service) does not support half-closed connections: once a FIN arrives
        // it stops writing, so bytes it had not echoed yet would be lost on its side, not the relay's.
        var echoed = new byte[3];
        await stream.Body.ReadExactlyAsync(echoed, Token).AsTask().WaitAsync(Patience, Token);
        Assert.Equal("abc", Encoding.ASCII.GetString(echoed));

        // END_STREAM: only the daemon's half-close tells the service that no more comes.
        stream.EndWrite();

        Assert.Equal("", Encoding.ASCII.GetString(await stream.ReadToEndAsync()));
        await _service.WaitForSessionEndAsync();
        Assert.True(stream.Ended.Task.IsCompleted);
        Assert.False(stream.Reset.Task.IsCompleted, "the tunnel was reset instead of ended");
    }

    [Fact]
    public async Task Upgrade_EdgeResets_TheDaemonClosesTheLocalConnection()
    {
        var (stream, _) = OpenWebSocket("/echo");
        await stream.Head.Task.WaitAsync(Patience, Token);

        _edge.SendRaw(OutboundFrame.CreateStreamControl(FrameType.Reset, stream.Id, (uint)StreamResetCode.Cancelled));

        await _service.WaitForSessionEndAsync();
        Assert.False(stream.Ended.Task.IsCompleted || stream.Reset.Task.IsCompleted, "the daemon answered a reset stream");
    }

    [Fact]
    public async Task Upgrade_ServiceDoesNotSwitch_IsRelayedAsANormalResponse()
    {
        // No Sec-WebSocket-Key: the service is not asked for a valid WebSocket handshake and answers 400.
        var stream = _edge.Open(new HttpRequestHead("GET", "/echo", [new("Upgrade", "websocket"), new("Sec-WebSocket-Version", "13")]), StreamFlags.Upgrade);

        var (flags, head) = await stream.Head.Task.WaitAsync(Patience, Token);
        Assert.Equal(StreamFlags.None, flags);
        Assert.Equal(400, head.Status);
        Assert.Equal("websocket only", Encoding.UTF8.GetString(await stream.ReadToEndAsync()));
    }

    [Fact]
    public async Task RequestHead_UpgradeHeaderWithoutTheFlag_NeverReachesTheService()
    {
        var stream = _edge.Open(new HttpRequestHead("GET", "/headers", [new("Upgrade", "websocket"), new("Connection", "Upgrade")]), StreamFlags.EndStream);

        var (flags, head) = await stream.Head.Task.WaitAsync(Patience, Token);
        Assert.Equal(StreamFlags.None, flags);
        Assert.Equal(200, head.Status);
        Assert.Equal("upgrade=; connection=", Encoding.UTF8.GetString(await stream.ReadToEndAsync()));
    }

    [Fact]
    public async Task UpgradeHead_WithEndStreamOrWithoutOneUpgradeHeader_IsResetWithProtocolError()
    {
        var ending = _edge.Open(WebSocketHead("/echo", Key()), StreamFlags.Upgrade | StreamFlags.EndStream);
        var missing = _edge.Open(new HttpRequestHead("GET", "/echo", [new("Sec-WebSocket-Key", Key())]), StreamFlags.Upgrade);
        var twice = _edge.Open(new HttpRequestHead("GET", "/echo", [new("Upgrade", "websocket"), new("Upgrade", "h2c")]), StreamFlags.Upgrade);

        Assert.Equal(StreamResetCode.ProtocolError, await ending.Reset.Task.WaitAsync(Patience, Token));
        Assert.Equal(StreamResetCode.ProtocolError, await missing.Reset.Task.WaitAsync(Patience, Token));
        Assert.Equal(StreamResetCode.ProtocolError, await twice.Reset.Task.WaitAsync(Patience, Token));
        // A stream error, not a connection error: the session goes on.
        var (_, head) = await OpenWebSocket("/echo").Stream.Head.Task.WaitAsync(Patience, Token);
        Assert.Equal(101, head.Status);
        Assert.False(_edge.SessionEnded.IsCompleted);
    }

    [Fact]
    public async Task UpgradeHead_HandlerThatCannotUpgrade_Answers501AndIsNotAnnounced()
    {
        var handler = new InProcessHandler();
        await using var edge = new EdgeHarness(handler);

        var stream = edge.Open(WebSocketHead("/echo", Key()), StreamFlags.Upgrade);

        var (flags, head) = await stream.Head.Task.WaitAsync(Patience, Token);
        Assert.Equal(StreamFlags.None, flags);
        Assert.Equal(501, head.Status);
        Assert.Equal("application/json", Single(head, "Content-Type"));
        Assert.StartsWith("""{"error":501,"message":""", Encoding.UTF8.GetString(await stream.ReadToEndAsync()), StringComparison.Ordinal);
        Assert.Null(DeviceDaemon.HelloFeaturesOf(handler));
        Assert.Equal([HelloFeatures.Upgrade], DeviceDaemon.HelloFeaturesOf(_forwarder));
    }

    private (EdgeStream Stream, string Key) OpenWebSocket(string target)
    {
        var key = Key();
        return (_edge.Open(WebSocketHead(target, key), StreamFlags.Upgrade), key);
    }

    private static HttpRequestHead WebSocketHead(string target, string key) =>
        new("GET", target, [new("Upgrade", "websocket"), new("Sec-WebSocket-Key", key), new("Sec-WebSocket-Version", "13")]);

    private static string Key() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));

    // RFC 6455 fixes SHA-1 for the accept value; it is a handshake check, not security.
#pragma warning disable CA5350
    private static string AcceptFor(string key) =>
        Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
#pragma warning restore CA5350

    private static string Single(HttpResponseHead head, string name) =>
        Assert.Single(head.Headers, h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    private static byte[] Pattern(int length) => Enumerable.Range(0, length).Select(i => (byte)(i % 251)).ToArray();

    private static void AssertMessage(WebSocketMessageType type, byte[] expected, (WebSocketMessageType Type, byte[] Bytes) received)
    {
        Assert.Equal(type, received.Type);
        Assert.Equal(expected.Length, received.Bytes.Length);
        Assert.True(expected.AsSpan().SequenceEqual(received.Bytes), "the echo differs from the message sent");
    }

    private static async Task<(WebSocketMessageType Type, byte[] Bytes)> ReceiveAsync(WebSocket socket)
    {
        var message = new MemoryStream();
        var buffer = new byte[32 * 1024];
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer.AsMemory(), Token).AsTask().WaitAsync(Patience, Token);
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);

        return (result.MessageType, message.ToArray());
    }
}
