using System.Buffers;
using System.Text;
using OrleansRelay.FunctionalTests.TestUtilities;
using OrleansRelay.Wire;
using OrleansRelay.Wire.Handshake;

namespace OrleansRelay.FunctionalTests.Hardening;

/// <summary>
/// Devices that connect and then stall the handshake: no hello at all, or a hello one byte at a time. The hello
/// timeout covers the whole handshake, so both are closed with a reason, a log line and a metric.
/// </summary>
[Collection(RelayCollection.Name)]
public sealed class HandshakeLimitTests(RelayFixture fixture)
{
    private const int HelloTimeoutLogEvent = 2003;
    private const int TooManyPendingLogEvent = 2011;

    [Fact]
    public async Task SilentDevice_IsRejectedAndClosed_AfterTheHelloTimeout()
    {
        var logs = new RecordingLoggerProvider();
        using var rejections = new LimitRejections();
        await using var edge = await TestEdge.StartAsync(fixture.Silo.Cluster, new Dictionary<string, string?> { ["Edge:HelloTimeout"] = "00:00:01" }, logs);
        await using var device = await RawDevice.ConnectAsync(edge.DevicePort);

        var challenge = await device.ReadAsync();
        Assert.Equal(FrameType.Challenge, challenge?.Type);
        var reject = await Eventually.Within(device.ReadAsync(), "the edge to reject the silent device");
        Assert.Equal(FrameType.Reject, reject?.Type);
        var close = HandshakeJson.Parse(new ReadOnlySequence<byte>(reject!.Value.Payload), WireJsonContext.Default.CloseMessage);
        Assert.Equal(CloseCodes.MalformedHello, close.Code);
        Assert.Contains("No hello within 1 s", close.Reason, StringComparison.Ordinal);
        Assert.True(await Eventually.Within(device.ClosedByEdgeAsync(), "the edge to close the silent device's socket"));
        Assert.NotEmpty(logs.Events(HelloTimeoutLogEvent));
        Assert.True(rejections.Count("handshake-timeout") > 0);
    }

    [Fact]
    public async Task SlowlorisHello_OneByteAtATime_IsCutByTheSameTimeout_BeforeItIsComplete()
    {
        await using var edge = await TestEdge.StartAsync(fixture.Silo.Cluster, new Dictionary<string, string?> { ["Edge:HelloTimeout"] = "00:00:02" });
        await using var device = await RawDevice.ConnectAsync(edge.DevicePort);
        var challenge = await device.ReadAsync();
        Assert.Equal(FrameType.Challenge, challenge?.Type);

        // A well-formed hello, sent one byte every 100 ms: each byte arrives well within any per-read timeout,
        // the whole hello would take far longer than the hello timeout.
        var hello = HandshakeJson.ToFrame(
            FrameType.Hello,
            new HelloMessage { Protocol = 1, DeviceId = "slowloris-1", Proof = Convert.ToBase64String(new byte[32]) },
            WireJsonContext.Default.HelloMessage).Span.ToArray();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var trickle = Trickle.Start(hello, (bytes, _) => device.SendRawAsync(bytes.ToArray()), TimeSpan.FromMilliseconds(100), stop.Token);

        var reject = await Eventually.Within(device.ReadAsync(), "the edge to reject the slow hello");
        Assert.Equal(FrameType.Reject, reject?.Type);
        Assert.Contains("No hello within 2 s", Encoding.UTF8.GetString(reject!.Value.Payload), StringComparison.Ordinal);
        Assert.True(await Eventually.Within(device.ClosedByEdgeAsync(), "the edge to close the slow device's socket"));
        Assert.True(trickle.Sent < hello.Length, $"the hello ({hello.Length} bytes) was complete before the edge cut it");
        await stop.CancelAsync();
        await trickle.Completion;
    }

    [Fact]
    public async Task UnauthenticatedConnections_PerAddress_AreLimited_TheExcessIsRefusedAtOnce()
    {
        const int Limit = 4;
        var logs = new RecordingLoggerProvider();
        using var rejections = new LimitRejections();
        await using var edge = await TestEdge.StartAsync(
            fixture.Silo.Cluster,
            new Dictionary<string, string?> { ["Edge:MaxPendingConnectionsPerAddress"] = "4", ["Edge:HelloTimeout"] = "00:01:00" },
            logs);
        var pending = new List<RawDevice>();
        try
        {
            for (var i = 0; i < Limit; i++)
            {
                var device = await RawDevice.ConnectAsync(edge.DevicePort);
                pending.Add(device);
                Assert.Equal(FrameType.Challenge, (await device.ReadAsync())?.Type);
            }

            await using (var excess = await RawDevice.ConnectAsync(edge.DevicePort))
            {
                var answer = await excess.ReadAsync();
                Assert.Equal(FrameType.Reject, answer?.Type);
                var close = HandshakeJson.Parse(new ReadOnlySequence<byte>(answer!.Value.Payload), WireJsonContext.Default.CloseMessage);
                Assert.Equal(CloseCodes.Unavailable, close.Code);
                Assert.NotNull(close.RetryAfterSeconds);
                Assert.True(await excess.ClosedByEdgeAsync());
            }

            Assert.NotEmpty(logs.Events(TooManyPendingLogEvent));
            Assert.True(rejections.Count("pending-per-address") > 0);

            // One pending connection goes away: the address may start a handshake again.
            await pending[0].DisposeAsync();
            pending.RemoveAt(0);
            await Eventually.TrueAsync(async () =>
            {
                await using var again = await RawDevice.ConnectAsync(edge.DevicePort);
                return (await again.ReadAsync())?.Type == FrameType.Challenge;
            }, "a new connection from the address to get a challenge");
        }
        finally
        {
            foreach (var device in pending)
            {
                await device.DisposeAsync();
            }
        }
    }
}
