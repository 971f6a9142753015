using System.Diagnostics;
using System.Net;
using OrleansRelay.FunctionalTests.TestUtilities;
using OrleansRelay.Silo.Hosting;

namespace OrleansRelay.FunctionalTests.Cluster;

/// <summary>Failures of whole processes in a Redis-clustered deployment: silos are separate processes killed with SIGKILL.</summary>
/// <remarks>In the relay collection so it never shares the two cores with the 2,000-device connect storm.</remarks>
[Collection(RelayCollection.Name)]
public sealed class FailoverTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SiloKilled_EveryDeviceIsReachableAgainWithin10Seconds_WithoutReconnecting()
    {
        const int Devices = 12;
        var cluster = TestSilo.NewLocalCluster() with { Mode = ClusterMode.Redis, RedisConnectionString = TestServices.Redis };
        var database = TestServices.MySqlDatabase(TestServices.NewDatabaseName());
        await using var siloA = await SiloProcess.StartAsync(cluster, database);
        await using var siloB = await SiloProcess.StartAsync(cluster, database);
        await using var edge = await TestEdge.StartAsync(cluster);
        await using var otherEdge = await TestEdge.StartAsync(cluster);
        await using var service = await TestDeviceService.StartAsync();
        var daemons = new List<TestDaemon>();
        try
        {
            for (var i = 0; i < Devices; i++)
            {
                // Each daemon shuffles the two edges: the devices spread over both; all are relayed through the first.
                var id = $"fo-{i}";
                daemons.Add(await TestDaemon.StartAsync(id, await edge.ProvisionAsync(id), service.BaseUri, edge.DevicePort, otherEdge.DevicePort));
            }

            Assert.All(await RelayAllAsync(edge), status => Assert.Equal(HttpStatusCode.OK, status));

            var killed = Stopwatch.StartNew();
            TestContext.Current.TestOutputHelper?.WriteLine($"Killing silo on port {siloA.SiloPort} at {DateTimeOffset.UtcNow:HH:mm:ss.fff}");
            siloA.Kill();
            var last = Array.Empty<HttpStatusCode>();
            await Eventually.TrueAsync(
                async () =>
                {
                    var poll = Stopwatch.StartNew();
                    var statuses = await RelayAllAsync(edge);
                    if (!statuses.SequenceEqual(last))
                    {
                        TestContext.Current.TestOutputHelper?.WriteLine($"{killed.Elapsed.TotalSeconds:0.0} s after the kill (poll took {poll.Elapsed.TotalSeconds:0.0} s): {string.Join(",", statuses.Select(s => (int)s))}");
                    }

                    last = statuses;
                    return last.All(status => status == HttpStatusCode.OK);
                },
                $"every device to be reachable through the surviving silo (last: {string.Join(",", last)})",
                TimeSpan.FromSeconds(30)).ContinueWith(t => t.IsFaulted ? throw new TimeoutException($"last statuses {string.Join(",", last)} at {killed.Elapsed}") : t, TaskScheduler.Default).Unwrap();
            var recovered = killed.Elapsed;

            TestContext.Current.TestOutputHelper?.WriteLine($"All {Devices} devices reachable {recovered.TotalSeconds:0.0} s after the silo kill.");
            Assert.True(recovered < TimeSpan.FromSeconds(10), $"the devices took {recovered} to be reachable again (bound: 10 s; measured median 4 s)");

            // The edge re-announced every socket it holds: no device had to reconnect.
            var reconnected = daemons.Where(d => d.AcceptedSessions > 1).ToArray();
            Assert.True(
                reconnected.Length == 0,
                $"{reconnected.Length} of {Devices} daemons reconnected; reasons: {string.Join(" | ", reconnected.Select(d => d.Daemon.LastSessionEnd).Distinct())}");
        }
        finally
        {
            foreach (var daemon in daemons)
            {
                await daemon.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task EdgeKilled_ItsDevicesAnswer503WithinSeconds_ThenWorkThroughTheOtherEdge()
    {
        const int Devices = 8;
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var cluster = TestSilo.NewLocalCluster() with { Mode = ClusterMode.Redis, RedisConnectionString = TestServices.Redis, AdvertisedAddress = "127.0.0.1" };
        await using var silo = await TestSilo.StartAsync(cluster, new RelayStorageOptions());
        await using var edgeA = await EdgeProcess.StartAsync(cluster, "edge-a-" + suffix);
        await using var edgeB = await EdgeProcess.StartAsync(cluster, "edge-b-" + suffix);
        await using var service = await TestDeviceService.StartAsync();
        var ids = Enumerable.Range(0, Devices).Select(i => $"ek-{suffix}-{i}").ToArray();
        var daemons = new List<TestDaemon>();
        try
        {
            foreach (var id in ids)
            {
                // Each daemon shuffles the two edges: the devices spread over both.
                daemons.Add(await TestDaemon.StartAsync(id, await OperatorApi.ProvisionAsync(edgeA.Client, id), service.BaseUri, edgeA.DevicePort, edgeB.DevicePort));
            }

            var placement = await Task.WhenAll(ids.Select(async id => (Id: id, Edge: (await OperatorApi.StatusAsync(edgeA.Client, id)).GetProperty("edgeId").GetString())));
            var (victim, survivor) = placement.Count(p => p.Edge == edgeA.EdgeId) >= Devices / 2 ? (edgeA, edgeB) : (edgeB, edgeA);
            var moved = placement.Where(p => p.Edge == victim.EdgeId).Select(p => p.Id).ToArray();
            TestContext.Current.TestOutputHelper?.WriteLine($"{moved.Length} of {Devices} devices on {victim.EdgeId}, the edge to kill");

            // A request waits at one of the victim's devices, relayed through the survivor's API.
            var gate = "edge-kill-" + suffix;
            var inFlight = TimedGetAsync(survivor.Client, moved[0], $"slow?gate={gate}");
            await Eventually.Within(service.Gate(gate + "-started").Task.ContinueWith(_ => true, Token), "the held request to reach the device");

            var killed = Stopwatch.StartNew();
            victim.Kill();
            var afterKill = await Task.WhenAll(moved.Select(id => TimedGetAsync(survivor.Client, id, "device")));
            var held = await inFlight;
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"held request: {(int)held.Status} after {held.Elapsed.TotalSeconds:0.0} s of waiting; right after the kill: {string.Join(", ", afterKill.Select(r => $"{(int)r.Status} in {r.Elapsed.TotalSeconds:0.0} s"))}");

            // Never a hang: the request on the dead edge fails with 503 within 5 s; the others answer 503 as fast or
            // already succeed through the other edge.
            Assert.Equal(HttpStatusCode.ServiceUnavailable, held.Status);
            Assert.True(killed.Elapsed < TimeSpan.FromSeconds(5) + TimeSpan.FromSeconds(1), $"the held request took until {killed.Elapsed} after the kill");
            Assert.All(afterKill, r => Assert.Contains(r.Status, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable }));
            Assert.All(afterKill, r => Assert.True(r.Elapsed < TimeSpan.FromSeconds(5), $"a request took {r.Elapsed}"));

            await Eventually.TrueAsync(
                async () => (await Task.WhenAll(moved.Select(id => TimedGetAsync(survivor.Client, id, "device")))).All(r => r.Status == HttpStatusCode.OK),
                "the killed edge's devices to work through the other edge",
                TimeSpan.FromSeconds(30));
            TestContext.Current.TestOutputHelper?.WriteLine($"All {moved.Length} moved devices reachable {killed.Elapsed.TotalSeconds:0.0} s after the edge kill.");
            foreach (var id in moved)
            {
                Assert.Equal(survivor.EdgeId, (await OperatorApi.StatusAsync(survivor.Client, id)).GetProperty("edgeId").GetString());
            }
        }
        finally
        {
            foreach (var daemon in daemons)
            {
                await daemon.DisposeAsync();
            }
        }
    }

    private static async Task<(HttpStatusCode Status, TimeSpan Elapsed)> TimedGetAsync(HttpClient edge, string deviceId, string path)
    {
        using var bounded = new HttpClient { BaseAddress = edge.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        bounded.DefaultRequestHeaders.Add("X-Admin-Key", TestEdge.AdminKey);
        var watch = Stopwatch.StartNew();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/devices/{deviceId}/api/{path}");
            request.Headers.CacheControl = new System.Net.Http.Headers.CacheControlHeaderValue { NoStore = true };
            using var response = await bounded.SendAsync(request, Token);
            return (response.StatusCode, watch.Elapsed);
        }
        catch (TaskCanceledException)
        {
            return (HttpStatusCode.RequestTimeout, watch.Elapsed);
        }
    }

    private static async Task<HttpStatusCode[]> RelayAllAsync(TestEdge edge)
    {
        using var quick = new HttpClient { BaseAddress = edge.Client.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        quick.DefaultRequestHeaders.Add("X-Admin-Key", TestEdge.AdminKey);
        return await Task.WhenAll(Enumerable.Range(0, 12).Select(async i =>
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/devices/fo-{i}/api/device");
                request.Headers.CacheControl = new System.Net.Http.Headers.CacheControlHeaderValue { NoStore = true };
                using var response = await quick.SendAsync(request, Token);
                return response.StatusCode;
            }
            catch (TaskCanceledException)
            {
                return HttpStatusCode.RequestTimeout;
            }
        }));
    }
}
