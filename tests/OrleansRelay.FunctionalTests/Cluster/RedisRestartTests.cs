using System.Net;
using Orleans.Configuration;
using OrleansRelay.FunctionalTests.TestUtilities;
using OrleansRelay.Silo.Hosting;

namespace OrleansRelay.FunctionalTests.Cluster;

/// <summary>Redis holds only the membership table: losing it for a while must not stop relaying.</summary>
[Collection(RelayCollection.Name)]
public sealed class RedisRestartTests
{
    private const int Devices = 4;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RedisCrashAndRestartUnderLoad_RequestsKeepSucceeding_AndNewEdgesCanStillJoin()
    {
        await using var redis = await DedicatedRedis.StartAsync();
        var cluster = TestSilo.NewLocalCluster() with { Mode = ClusterMode.Redis, RedisConnectionString = redis.ConnectionString, AdvertisedAddress = "127.0.0.1" };
        // The silo reads and writes the membership table every second here (defaults: a minute and more), so the
        // outage below really hits membership traffic.
        await using var silo = await TestSilo.StartAsync(cluster, new RelayStorageOptions(), s => s.Configure<ClusterMembershipOptions>(o =>
        {
            o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(1);
        }));
        await using var edge = await TestEdge.StartAsync(cluster);
        await using var service = await TestDeviceService.StartAsync();
        var daemons = new List<TestDaemon>();
        try
        {
            for (var i = 0; i < Devices; i++)
            {
                daemons.Add(await TestDaemon.StartAsync($"rr-{i}", await edge.ProvisionAsync($"rr-{i}"), service.BaseUri, edge.DevicePort));
            }

            using var load = new RelayLoad(edge.Client, Devices);
            await load.WaitForSuccessesAsync(100, "load before the crash");

            redis.Kill();
            var duringOutage = load.StartPhase();
            await load.WaitForSuccessesAsync(1500, "load while Redis is down");
            await redis.RestartAsync();
            var afterRestart = load.StartPhase();
            await load.WaitForSuccessesAsync(200, "load after Redis came back");
            await load.StopAsync();

            TestContext.Current.TestOutputHelper?.WriteLine($"while Redis was down: {duringOutage.Describe()}; after the restart: {afterRestart.Describe()}");
            Assert.Equal(0, duringOutage.Failures);
            Assert.Equal(0, afterRestart.Failures);

            // The membership table survived (append-only file): a new edge finds the silo and relays.
            await using var newEdge = await TestEdge.StartAsync(cluster);
            using var response = await newEdge.Client.GetAsync("/v1/devices/rr-0/api/device", Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            foreach (var daemon in daemons)
            {
                await daemon.DisposeAsync();
            }
        }
    }

    /// <summary>A few workers relaying GETs back to back, counting outcomes per phase.</summary>
    private sealed class RelayLoad : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task[] _workers;
        private Phase _phase = new();

        public RelayLoad(HttpClient client, int devices)
        {
            _workers = Enumerable.Range(0, devices).Select(i => Task.Run(() => RunAsync(client, $"rr-{i}"))).ToArray();
        }

        public Phase StartPhase() => _phase = new Phase();

        public Task WaitForSuccessesAsync(int count, string what)
        {
            var phase = _phase;
            return Eventually.TrueAsync(() => phase.Successes >= count || phase.Failures > 0, what, TimeSpan.FromSeconds(60));
        }

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_workers);
        }

        public void Dispose() => _stop.Dispose();

        private async Task RunAsync(HttpClient client, string deviceId)
        {
            while (!_stop.IsCancellationRequested)
            {
                var phase = _phase;
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/devices/{deviceId}/api/device");
                    request.Headers.CacheControl = new System.Net.Http.Headers.CacheControlHeaderValue { NoCache = true };
                    using var response = await client.SendAsync(request, _stop.Token);
                    phase.Record(response.StatusCode == HttpStatusCode.OK);
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                }
                catch (HttpRequestException)
                {
                    phase.Record(false);
                }
            }
        }
    }

    private sealed class Phase
    {
        private int _successes;
        private int _failures;

        public int Successes => Volatile.Read(ref _successes);

        public int Failures => Volatile.Read(ref _failures);

        public void Record(bool success) => Interlocked.Increment(ref success ? ref _successes : ref _failures);

        public string Describe() => $"{Successes} succeeded, {Failures} failed";
    }
}
