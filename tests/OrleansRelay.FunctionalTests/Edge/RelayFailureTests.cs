using System.Buffers;
using System.Net;
using OrleansRelay.FunctionalTests.TestUtilities;
using OrleansRelay.Wire;
using OrleansRelay.Wire.Handshake;

namespace OrleansRelay.FunctionalTests.Edge;

/// <summary>Each failure gets its specific status or close reason, fast, and leaves the relay working.</summary>
[Collection(RelayCollection.Name)]
public sealed class RelayFailureTests(RelayFixture fixture)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string Api(string deviceId, string path) => $"/v1/devices/{deviceId}/api/{path}";

    [Fact]
    public async Task OfflineDevice_Is503WithRetryAfter_Immediately()
    {
        await fixture.Edge.ProvisionAsync("offline-1");
        using var quick = new HttpClient { BaseAddress = fixture.Edge.Client.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        quick.DefaultRequestHeaders.Add("X-Admin-Key", TestEdge.AdminKey);

        using var response = await quick.GetAsync(Api("offline-1", "device"), Token);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        Assert.Equal("{\"error\":503,\"message\":\"The device is offline.\"}", await response.Content.ReadAsStringAsync(Token));
    }

    [Fact]
    public async Task SlowLocalService_Is504AfterTheConfiguredTimeout()
    {
        await using var edge = await TestEdge.StartAsync(fixture.Silo.Cluster, new Dictionary<string, string?> { ["Edge:DeviceRequestTimeout"] = "00:00:01" });
        var secret = await edge.ProvisionAsync("slow-1");
        await using var daemon = await TestDaemon.StartAsync("slow-1", secret, fixture.Service.BaseUri, edge.DevicePort);
        var gate = "slow-" + Guid.NewGuid().ToString("N");

        using var response = await edge.Client.GetAsync(Api("slow-1", $"slow?gate={gate}"), Token);
        fixture.Service.Gate(gate).TrySetResult();

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Contains("did not answer within 1 s", await response.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        using var after = await edge.Client.GetAsync(Api("slow-1", "device"), Token);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task LocalServiceDown_Is502FromTheDaemon()
    {
        var secret = await fixture.Edge.ProvisionAsync("down-1");
        var closedPort = FreePort.Next();
        await using var daemon = await TestDaemon.StartAsync("down-1", secret, new Uri($"http://127.0.0.1:{closedPort}"), fixture.Edge.DevicePort);

        using var response = await fixture.Edge.Client.GetAsync(Api("down-1", "anything"), Token);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("\"error\":502", await response.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.Contains("service failed", await response.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongSecret_IsRejectedWithAReason_AndTheLiveSessionIsUntouched()
    {
        var before = await fixture.Edge.StatusAsync(RelayFixture.DeviceId);
        await using var impostor = await RawDevice.ConnectAsync(fixture.Edge.DevicePort);

        var answer = await impostor.HandshakeAsync(RelayFixture.DeviceId, "not-the-secret");
        var reject = HandshakeJson.Parse(new ReadOnlySequence<byte>(answer.Payload), WireJsonContext.Default.CloseMessage);

        Assert.Equal(FrameType.Reject, answer.Type);
        Assert.Equal(CloseCodes.BadCredentials, reject.Code);
        Assert.True(await impostor.ClosedByEdgeAsync());
        var after = await fixture.Edge.StatusAsync(RelayFixture.DeviceId);
        Assert.True(after.GetProperty("online").GetBoolean());
        Assert.Equal(before.GetProperty("connectedAt").GetString(), after.GetProperty("connectedAt").GetString());
        using var relayed = await fixture.Edge.Client.GetAsync(Api(RelayFixture.DeviceId, "device"), Token);
        Assert.Equal(HttpStatusCode.OK, relayed.StatusCode);
    }

    [Fact]
    public async Task UnknownDevice_IsRejected()
    {
        await using var device = await RawDevice.ConnectAsync(fixture.Edge.DevicePort);

        var answer = await device.HandshakeAsync("never-provisioned-9", "whatever");

        Assert.Equal(FrameType.Reject, answer.Type);
        Assert.Equal(CloseCodes.UnknownDevice, HandshakeJson.Parse(new ReadOnlySequence<byte>(answer.Payload), WireJsonContext.Default.CloseMessage).Code);
        Assert.True(await device.ClosedByEdgeAsync());
    }

    [Fact]
    public async Task MalformedHello_IsRejectedAsMalformed()
    {
        await using var device = await RawDevice.ConnectAsync(fixture.Edge.DevicePort);
        Assert.Equal(FrameType.Challenge, (await device.ReadAsync())!.Value.Type);

        await device.SendAsync(OutboundFrame.Create(FrameType.Hello, "{not json"u8));
        var reject = await device.ReadUntilAsync(FrameType.Reject);

        Assert.Equal(CloseCodes.MalformedHello, HandshakeJson.Parse(new ReadOnlySequence<byte>(reject), WireJsonContext.Default.CloseMessage).Code);
        Assert.True(await device.ClosedByEdgeAsync());
    }

    [Fact]
    public async Task SilentConnection_IsRejectedAfterTheHelloTimeout()
    {
        await using var edge = await TestEdge.StartAsync(fixture.Silo.Cluster, new Dictionary<string, string?> { ["Edge:HelloTimeout"] = "00:00:00.300" });
        await using var device = await RawDevice.ConnectAsync(edge.DevicePort);

        var reject = await device.ReadUntilAsync(FrameType.Reject);

        Assert.Contains("No hello", HandshakeJson.Parse(new ReadOnlySequence<byte>(reject), WireJsonContext.Default.CloseMessage).Reason, StringComparison.Ordinal);
        Assert.True(await device.ClosedByEdgeAsync());
    }

    [Fact]
    public async Task OversizedHello_IsRefusedOnItsHeader_WithoutWaitingForThePayload()
    {
        // The hello timeout is far away: only the size check on the 5-byte header can close this connection in time.
        await using var edge = await TestEdge.StartAsync(fixture.Silo.Cluster, new Dictionary<string, string?> { ["Edge:HelloTimeout"] = "00:05:00" });
        await using var device = await RawDevice.ConnectAsync(edge.DevicePort);
        Assert.Equal(FrameType.Challenge, (await device.ReadAsync())?.Type);

        var header = new byte[5];
        header[0] = (byte)FrameType.Hello;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), (uint)new OrleansRelay.Edge.Hosting.EdgeOptions().MaxHelloPayload + 1);
        await device.SendRawAsync(header);

        Assert.True(await device.ClosedByEdgeAsync());
    }

    [Fact]
    public async Task OversizedFrameAfterAuthentication_ClosesWithProtocolError()
    {
        var secret = await fixture.Edge.ProvisionAsync("oversize-1");
        await using var device = await RawDevice.ConnectAsync(fixture.Edge.DevicePort);
        Assert.Equal(FrameType.Accept, (await device.HandshakeAsync("oversize-1", secret)).Type);

        var header = new byte[5];
        header[0] = (byte)FrameType.Data;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), RelayFixture.MaxFramePayload + 1);
        await device.SendRawAsync(header);
        var goAway = HandshakeJson.Parse(new ReadOnlySequence<byte>(await device.ReadUntilAsync(FrameType.GoAway)), WireJsonContext.Default.CloseMessage);

        Assert.Equal(CloseCodes.ProtocolError, goAway.Code);
        Assert.Contains("maximum", goAway.Reason, StringComparison.Ordinal);
        Assert.True(await device.ClosedByEdgeAsync());
        await Eventually.TrueAsync(
            async () => !(await fixture.Edge.StatusAsync("oversize-1")).GetProperty("online").GetBoolean(),
            "the grain to record the closed session");
    }

    [Fact]
    public async Task SecondConnection_ReplacesTheFirst_WhichIsToldWhyAndClosed()
    {
        var secret = await fixture.Edge.ProvisionAsync("dup-1");
        await using var first = await RawDevice.ConnectAsync(fixture.Edge.DevicePort);
        Assert.Equal(FrameType.Accept, (await first.HandshakeAsync("dup-1", secret)).Type);

        await using var second = await TestDaemon.StartAsync("dup-1", secret, fixture.Service.BaseUri, fixture.Edge.DevicePort);
        var goAway = HandshakeJson.Parse(new ReadOnlySequence<byte>(await first.ReadUntilAsync(FrameType.GoAway)), WireJsonContext.Default.CloseMessage);

        Assert.Equal(CloseCodes.Replaced, goAway.Code);
        Assert.True(await first.ClosedByEdgeAsync());
        using var response = await fixture.Edge.Client.GetAsync(Api("dup-1", "echo/after-takeover"), Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("/echo/after-takeover", await response.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.Equal(1, second.AcceptedSessions);
    }

    [Fact]
    public async Task EdgeRestart_DaemonReconnects_AndRequestsSucceedAgain()
    {
        var devicePort = FreePort.Next();
        var settings = new Dictionary<string, string?> { ["Edge:DevicePort"] = devicePort.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var firstEdge = await TestEdge.StartAsync(fixture.Silo.Cluster, settings);
        var secret = await firstEdge.ProvisionAsync("restart-1");
        await using var daemon = await TestDaemon.StartAsync("restart-1", secret, fixture.Service.BaseUri, devicePort);
        await using var watcher = await RawDevice.ConnectAsync(devicePort);
        var watcherSecret = await firstEdge.ProvisionAsync("restart-watch");
        Assert.Equal(FrameType.Accept, (await watcher.HandshakeAsync("restart-watch", watcherSecret)).Type);

        await firstEdge.DisposeAsync();
        var goAway = HandshakeJson.Parse(new ReadOnlySequence<byte>(await watcher.ReadUntilAsync(FrameType.GoAway)), WireJsonContext.Default.CloseMessage);
        Assert.Equal(CloseCodes.Shutdown, goAway.Code);
        using (var offline = await fixture.Edge.Client.GetAsync(Api("restart-1", "device"), Token))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, offline.StatusCode);
        }

        await using var secondEdge = await TestEdge.StartAsync(fixture.Silo.Cluster, settings);
        await Eventually.TrueAsync(() => daemon.AcceptedSessions >= 2, "the daemon to reconnect to the restarted edge");
        using var response = await secondEdge.Client.GetAsync(Api("restart-1", "echo/back"), Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("/echo/back", await response.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GracefulEdgeShutdown_FinishesRequestsInFlight_ThenTheDeviceMoves()
    {
        var portA = FreePort.Next();
        var portB = FreePort.Next();
        var edgeA = await TestEdge.StartAsync(fixture.Silo.Cluster, new Dictionary<string, string?> { ["Edge:DevicePort"] = portA.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var secret = await edgeA.ProvisionAsync("drain-1");
        await using var daemon = await TestDaemon.StartAsync("drain-1", secret, fixture.Service.BaseUri, portA, portB);
        await using var edgeB = await TestEdge.StartAsync(fixture.Silo.Cluster, new Dictionary<string, string?> { ["Edge:DevicePort"] = portB.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var gate = "drain-" + Guid.NewGuid().ToString("N");
        var inFlight = edgeB.Client.GetAsync(Api("drain-1", $"slow?gate={gate}"), Token);
        await Eventually.Within(fixture.Service.Gate(gate + "-started").Task.ContinueWith(_ => true, Token), "the slow request to reach the device");

        var stopping = Task.Run(() => edgeA.DisposeAsync().AsTask(), Token);
        var registry = edgeA.Services.GetRequiredService<OrleansRelay.Edge.Connections.DeviceSessionRegistry>();
        await Eventually.TrueAsync(() => registry.Snapshot().Any(c => c.IsDraining), "edge A to start draining");
        fixture.Service.Gate(gate).TrySetResult();
        using var response = await Eventually.Within(inFlight, "the in-flight request");
        await Eventually.Within(stopping.ContinueWith(_ => true, Token), "edge A to stop");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("late", await response.Content.ReadAsStringAsync(Token));
        await Eventually.TrueAsync(() => daemon.AcceptedSessions >= 2, "the device to move to edge B");
        using var after = await edgeB.Client.GetAsync(Api("drain-1", "echo/moved"), Token);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }
}
