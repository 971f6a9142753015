using System.Globalization;
using System.Net;
using OrleansRelay.FunctionalTests.TestUtilities;
using OrleansRelay.Silo.Hosting;
using OrleansRelay.Wire;

namespace OrleansRelay.FunctionalTests.Hardening;

/// <summary>
/// A device that completes its handshake and then never reads its socket while clients push large bodies to it,
/// against a real edge process: the edge drops the connection once its queue for the device passes the limit (or
/// the socket accepts nothing for the stall timeout), the waiting clients get 503/504 with the reason, and the edge
/// process's peak memory stays bounded.
/// </summary>
[Collection(RelayCollection.Name)]
public sealed class DeviceBackpressureTests
{
    private const int Requests = 64;
    private const int BodyBytes = 512 * 1024;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("queue-limit", "262144", "00:10:00")]
    [InlineData("write-stall", "67108864", "00:00:02")]
    public async Task DeviceThatStopsReading_IsDropped_ClientsGetAClearError_MemoryStaysBounded(string which, string maxOutbound, string stallTimeout)
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var cluster = TestSilo.NewLocalCluster() with { Mode = ClusterMode.Redis, RedisConnectionString = TestServices.Redis, AdvertisedAddress = "127.0.0.1" };
        await using var silo = await TestSilo.StartAsync(cluster, new RelayStorageOptions());
        await using var edge = await EdgeProcess.StartAsync(
            cluster,
            $"bp-{which}-{suffix}",
            $"--Edge:MaxDeviceOutboundBytes={maxOutbound}",
            $"--Edge:DeviceWriteStallTimeout={stallTimeout}",
            // Neither the heartbeat nor the request timeout may be what ends this.
            "--Edge:HeartbeatInterval=00:10:00",
            "--Edge:DeviceRequestTimeout=00:02:00");
        var deviceId = $"not-reading-{suffix}";
        var secret = await OperatorApi.ProvisionAsync(edge.Client, deviceId);
        await using var device = await RawDevice.ConnectAsync(edge.DevicePort, receiveBufferSize: 4096);
        Assert.Equal(FrameType.Accept, (await device.HandshakeAsync(deviceId, secret)).Type);

        // From here on the device never reads.
        var body = new byte[BodyBytes];
        Random.Shared.NextBytes(body);
        var responses = await Task.WhenAll(Enumerable.Range(0, Requests).Select(async i =>
        {
            using var content = new ByteArrayContent(body);
            using var response = await edge.Client.PostAsync($"/v1/devices/{deviceId}/api/upload/{i}", content, Token);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync(Token));
        })).WaitAsync(TimeSpan.FromSeconds(90), Token);

        Assert.All(responses, r => Assert.True(
            r.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout,
            $"expected 503/504, got {(int)r.StatusCode}: {r.Body}"));
        Assert.All(responses, r => Assert.Contains("\"error\":", r.Body, StringComparison.Ordinal));
        Assert.Contains(responses, r => r.Body.Contains("slow-reader", StringComparison.Ordinal));
        Assert.True(await Eventually.Within(device.ClosedByEdgeAsync(), "the edge to close the device's socket", TimeSpan.FromSeconds(60)));
        await Eventually.TrueAsync(async () => !(await OperatorApi.StatusAsync(edge.Client, deviceId)).GetProperty("online").GetBoolean(), "the device to be offline");
        await Eventually.TrueAsync(async () => await RejectionsAsync(edge.Client, "device-backpressure") > 0, "the device-backpressure rejection in /metrics");

        // Generous: 64 bodies of 512 KiB (32 MiB) reach the edge, each also crosses the cluster and back.
        var peakRss = PeakRssBytes(edge.Pid);
        Assert.True(peakRss < 1024L * 1024 * 1024, $"the edge's peak RSS was {peakRss / (1024 * 1024)} MiB");
    }

    /// <summary>The edge's <c>orleansrelay_edge_limit_rejections_total</c> for <paramref name="limit"/>, from its Prometheus endpoint.</summary>
    private static async Task<double> RejectionsAsync(HttpClient edge, string limit)
    {
        var text = await edge.GetStringAsync("/metrics", Token);
        return text.Split('\n')
            .Where(line => line.StartsWith("orleansrelay_edge_limit_rejections", StringComparison.Ordinal) && line.Contains($"limit=\"{limit}\"", StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.IndexOf('}', StringComparison.Ordinal) + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture));
    }

    /// <summary>VmHWM: the highest resident set size the process ever had.</summary>
    private static long PeakRssBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Replace("kB", string.Empty, StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture) * 1024;
    }
}
