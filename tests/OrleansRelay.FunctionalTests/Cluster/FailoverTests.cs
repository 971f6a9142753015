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
    public async Task SiloKilled_EveryDeviceIsReachableAgain()
    {
        const int Devices = 12;
        var cluster = TestSilo.NewLocalCluster() with { Mode = ClusterMode.Redis, RedisConnectionString = TestServices.Redis };
        var database = TestServices.MySqlDatabase(TestServices.NewDatabaseName());
        await using var siloA = await SiloProcess.StartAsync(cluster, database);
        await using var siloB = await SiloProcess.StartAsync(cluster, database);
        await using var edge = await TestEdge.StartAsync(cluster);
        await using var service = await TestDeviceService.StartAsync();
        var daemons = new List<TestDaemon>();
        try
        {
            for (var i = 0; i < Devices; i++)
            {
                var id = $"fo-{i}";
                daemons.Add(await TestDaemon.StartAsync(id, await edge.ProvisionAsync(id), service.BaseUri, edge.DevicePort));
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
                TimeSpan.FromSeconds(60)).ContinueWith(t => t.IsFaulted ? throw new TimeoutException($"last statuses {string.Join(",", last)} at {killed.Elapsed}") : t, TaskScheduler.Default).Unwrap();
            var recovered = killed.Elapsed;

            TestContext.Current.TestOutputHelper?.WriteLine($"All {Devices} devices reachable {recovered.TotalSeconds:0.0} s after the silo kill.");

            // Known open problem (issue 3): in some runs under full-suite load every device's session is closed
            // and re-established during the failover. Recorded here for diagnosis, not yet asserted.
            var reconnected = daemons.Where(d => d.AcceptedSessions > 1).ToArray();
            TestContext.Current.TestOutputHelper?.WriteLine(
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
