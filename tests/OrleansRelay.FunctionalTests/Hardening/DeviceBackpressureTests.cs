using System.Net;
using OrleansRelay.FunctionalTests.TestUtilities;
using OrleansRelay.Wire;

namespace OrleansRelay.FunctionalTests.Hardening;

/// <summary>
/// A device that completes its handshake and then never reads its socket while clients push large bodies to it:
/// the edge drops the connection once its queue for the device passes the limit (or the socket accepts nothing for
/// the stall timeout), the waiting clients get 503/504 with the reason, and memory stays bounded.
/// </summary>
[Collection(RelayCollection.Name)]
public sealed class DeviceBackpressureTests(RelayFixture fixture)
{
    private const int Requests = 64;
    private const int BodyBytes = 512 * 1024;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("queue-limit", "262144", "00:10:00")]
    [InlineData("write-stall", "67108864", "00:00:02")]
    public async Task DeviceThatStopsReading_IsDropped_ClientsGetAClearError_MemoryStaysBounded(string which, string maxOutbound, string stallTimeout)
    {
        using var rejections = new LimitRejections();
        await using var edge = await TestEdge.StartAsync(fixture.Silo.Cluster, new Dictionary<string, string?>
        {
            ["Edge:MaxDeviceOutboundBytes"] = maxOutbound,
            ["Edge:DeviceWriteStallTimeout"] = stallTimeout,
            // Neither the heartbeat nor the request timeout may be what ends this.
            ["Edge:HeartbeatInterval"] = "00:10:00",
            ["Edge:DeviceRequestTimeout"] = "00:02:00",
        });
        var deviceId = $"not-reading-{which}";
        var secret = await edge.ProvisionAsync(deviceId);
        await using var device = await RawDevice.ConnectAsync(edge.DevicePort, receiveBufferSize: 4096);
        Assert.Equal(FrameType.Accept, (await device.HandshakeAsync(deviceId, secret)).Type);

        // From here on the device never reads. Meanwhile, the process's managed heap is sampled.
        long peakHeap = 0;
        using var stopSampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stopSampling.IsCancellationRequested)
            {
                peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(forceFullCollection: false));
                await Task.Delay(50, CancellationToken.None);
            }
        }, Token);

        var body = new byte[BodyBytes];
        Random.Shared.NextBytes(body);
        var responses = await Task.WhenAll(Enumerable.Range(0, Requests).Select(async i =>
        {
            using var content = new ByteArrayContent(body);
            using var response = await edge.Client.PostAsync($"/v1/devices/{deviceId}/api/upload/{i}", content, Token);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync(Token));
        })).WaitAsync(TimeSpan.FromSeconds(90), Token);
        await stopSampling.CancelAsync();
        await sampler;

        Assert.All(responses, r => Assert.True(
            r.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout,
            $"expected 503/504, got {(int)r.StatusCode}: {r.Body}"));
        Assert.All(responses, r => Assert.Contains("\"error\":", r.Body, StringComparison.Ordinal));
        Assert.Contains(responses, r => r.Body.Contains("slow-reader", StringComparison.Ordinal));
        Assert.True(rejections.Count("device-backpressure") > 0);
        Assert.True(await Eventually.Within(device.ClosedByEdgeAsync(), "the edge to close the device's socket", TimeSpan.FromSeconds(60)));
        await Eventually.TrueAsync(async () => !(await edge.StatusAsync(deviceId)).GetProperty("online").GetBoolean(), "the device to be offline");

        // Generous: the 64 bodies are 32 MiB in all and the test process holds clients, edge and silo.
        Assert.True(peakHeap < 1024L * 1024 * 1024, $"managed heap peaked at {peakHeap / (1024 * 1024)} MiB");
    }
}
