using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.DataPlane;

/// <summary>
/// Issue 14: an <c>Upgrade: websocket</c> request to <c>/v1/devices/{id}/api/{path}</c> reaches the device's local
/// WebSocket endpoint; messages, pings and close codes pass through, on the same edge and across edges.
/// </summary>
[Collection(DataPlaneCollection.Name)]
public sealed class WebSocketRelayTests(DataPlaneFixture fixture)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(DataPlaneFixture.SameEdge)]
    [InlineData(DataPlaneFixture.CrossEdge)]
    public async Task WebSocket_TextBinaryAndTenMebibyteMessages_EchoThroughTheRelay(string route)
    {
        var (socket, _) = await ConnectAsync(route);
        using (socket)
        {
            await socket.SendAsync("hello device"u8.ToArray(), WebSocketMessageType.Text, true, Token);
            var text = await DataPlaneHttp.ReceiveAsync(socket);
            var binary = RandomNumberGenerator.GetBytes(1000);
            await socket.SendAsync(binary, WebSocketMessageType.Binary, true, Token);
            var binaryEcho = await DataPlaneHttp.ReceiveAsync(socket);
            var large = RandomNumberGenerator.GetBytes(10 * 1024 * 1024);
            await socket.SendAsync(large, WebSocketMessageType.Binary, true, Token);
            var largeEcho = await DataPlaneHttp.ReceiveAsync(socket);

            Assert.Equal((WebSocketMessageType.Text, "hello device"), (text.Type, Encoding.UTF8.GetString(text.Data)));
            Assert.Equal(WebSocketMessageType.Binary, binaryEcho.Type);
            Assert.Equal(binary, binaryEcho.Data);
            Assert.Equal(WebSocketMessageType.Binary, largeEcho.Type);
            Assert.Equal(large.Length, largeEcho.Data.Length);
            Assert.Equal(SHA256.HashData(large), SHA256.HashData(largeEcho.Data));
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", Token);
        }
    }

    [Theory]
    [InlineData(DataPlaneFixture.SameEdge)]
    [InlineData(DataPlaneFixture.CrossEdge)]
    public async Task WebSocket_PingsEvery100ms_AreAnswered_WhileTheDeviceIsSilentFor2Seconds(string route)
    {
        // With a keep-alive timeout, the client aborts the connection when a ping's pong does not come back within
        // 1 s; the device stays silent for 2 s (about 20 pings) before it answers.
        var (socket, _) = await ConnectAsync(route, options =>
        {
            options.KeepAliveInterval = TimeSpan.FromMilliseconds(100);
            options.KeepAliveTimeout = TimeSpan.FromSeconds(1);
        });
        using (socket)
        {
            await socket.SendAsync("delay:2000"u8.ToArray(), WebSocketMessageType.Text, true, Token);
            var late = await DataPlaneHttp.ReceiveAsync(socket, TimeSpan.FromSeconds(15));
            await socket.SendAsync("still here"u8.ToArray(), WebSocketMessageType.Text, true, Token);
            var echo = await DataPlaneHttp.ReceiveAsync(socket);

            Assert.Equal("late", Encoding.UTF8.GetString(late.Data));
            Assert.Equal("still here", Encoding.UTF8.GetString(echo.Data));
            Assert.Equal(WebSocketState.Open, socket.State);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", Token);
        }
    }

    [Theory]
    [InlineData(DataPlaneFixture.SameEdge)]
    [InlineData(DataPlaneFixture.CrossEdge)]
    public async Task WebSocket_DeviceClosesWith4001_TheClientGetsTheCodeAndReason(string route)
    {
        var (socket, _) = await ConnectAsync(route);
        using (socket)
        {
            await socket.SendAsync("close:4001"u8.ToArray(), WebSocketMessageType.Text, true, Token);
            var close = await DataPlaneHttp.ReceiveAsync(socket);

            Assert.Equal(WebSocketMessageType.Close, close.Type);
            Assert.Equal((WebSocketCloseStatus)4001, socket.CloseStatus);
            Assert.Equal(WebSocketEchoEndpoint.DeviceCloseDescription, socket.CloseStatusDescription);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "acknowledged", Token);
        }
    }

    [Theory]
    [InlineData(DataPlaneFixture.SameEdge)]
    [InlineData(DataPlaneFixture.CrossEdge)]
    public async Task WebSocket_ClientClosesWith4002_TheDeviceGetsTheCodeAndReason(string route)
    {
        var (socket, device) = await ConnectAsync(route);
        using (socket)
        {
            await socket.CloseAsync((WebSocketCloseStatus)4002, "client done", Token);
            var seen = await Eventually.Within(device.ClosedByClient.Task, "the device to see the client's close", TimeSpan.FromSeconds(5));

            Assert.Equal(((WebSocketCloseStatus?)4002, "client done"), seen);
            Assert.Equal(WebSocketState.Closed, socket.State);
        }
    }

    private async Task<(ClientWebSocket Socket, WebSocketEchoConnection Device)> ConnectAsync(string route, Action<ClientWebSocketOptions>? configure = null)
    {
        var conn = Guid.NewGuid().ToString("N");
        var socket = await DataPlaneHttp.ConnectAsync(
            DataPlaneHttp.WebSocketUri(fixture.ClientEdge(route).HttpEndPoint, DataPlaneFixture.DeviceId, $"ws/echo?conn={conn}"), configure);
        var device = fixture.Service.WebSockets.GetOrAdd(conn, _ => new WebSocketEchoConnection());
        await Eventually.Within(device.Opened.Task.ContinueWith(_ => true, Token), "the device to accept the WebSocket", TimeSpan.FromSeconds(5));
        return (socket, device);
    }
}
