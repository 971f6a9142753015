using System.Diagnostics;
using System.Net;
using Orleans;
using Orleans.Runtime;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.FunctionalTests.TestUtilities;
using OrleansRelay.Silo.Hosting;

namespace OrleansRelay.FunctionalTests.DataPlane;

/// <summary>
/// Issue 14: edges may keep a device's route, yet losing the edge that holds the socket or the silo that holds the
/// grain keeps today's bounds. Whole processes in a Redis-clustered deployment, killed with SIGKILL.
/// </summary>
/// <remarks>In the relay collection, as the other failover tests, so it never shares the two cores with the connect storm.</remarks>
[Collection(RelayCollection.Name)]
public sealed class RouteFailureTests
{
    private static readonly TimeSpan EdgeLossBound = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan SiloLossBound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task EdgeHoldingTheSocketKilled_RequestsWaitingFromAnotherEdge_Answer503Within5Seconds_ThenTheSurvivorServes()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var cluster = TestSilo.NewLocalCluster() with { Mode = ClusterMode.Redis, RedisConnectionString = TestServices.Redis, AdvertisedAddress = "127.0.0.1" };
        await using var silo = await TestSilo.StartAsync(cluster, new RelayStorageOptions());
        await using var edgeA = await EdgeProcess.StartAsync(cluster, "dp-edge-a-" + suffix, DataPlaneSettings.ProcessArguments());
        await using var edgeB = await EdgeProcess.StartAsync(cluster, "dp-edge-b-" + suffix, DataPlaneSettings.ProcessArguments());
        await using var service = await StreamingDeviceService.StartAsync("alive");
        var deviceId = "dp-ek-" + suffix;
        await using var daemon = await TestDaemon.StartAsync(deviceId, await OperatorApi.ProvisionAsync(edgeA.Client, deviceId), service.BaseUri, edgeA.DevicePort, edgeB.DevicePort);
        var holder = (await OperatorApi.StatusAsync(edgeA.Client, deviceId)).GetProperty("edgeId").GetString();
        var (victim, survivor) = holder == edgeA.EdgeId ? (edgeA, edgeB) : (edgeB, edgeA);
        using var client = DataPlaneHttp.NewClient(survivor.Client.BaseAddress!, TimeSpan.FromSeconds(15));

        // The survivor has relayed to the device (and may have kept its route); then three requests wait at it.
        Assert.Equal("alive", (await DataPlaneHttp.GetAsync(client, deviceId, "whoami")).Body);
        var gate = "ek-" + suffix;
        // Distinct queries: concurrent identical GETs would be coalesced into one device request by the cache.
        var held = Enumerable.Range(0, 3).Select(i => DataPlaneHttp.GetAsync(client, deviceId, $"hold?gate={gate}&n={i}")).ToArray();
        await Eventually.TrueAsync(() => service.Held == 3, "three requests from the survivor to wait at the device");

        var killed = Stopwatch.StartNew();
        victim.Kill();
        var answers = await Eventually.Within(Task.WhenAll(held), "the held requests to be answered", TimeSpan.FromSeconds(20));
        var answeredAfter = killed.Elapsed;
        var right = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => DataPlaneHttp.GetAsync(client, deviceId, "whoami")));
        TestContext.Current.TestOutputHelper?.WriteLine($"held: {string.Join("; ", answers.Select(a => a.ToString()))}, all answered {answeredAfter.TotalSeconds:0.0} s after the kill; right after: {string.Join("; ", right.Select(a => a.ToString()))}");

        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.ServiceUnavailable, $"a request waiting on the killed edge: {a}"));
        // 5 s as today, plus a second for this loaded machine (as FailoverTests).
        Assert.True(answeredAfter < EdgeLossBound + TimeSpan.FromSeconds(1), $"the held requests were answered {answeredAfter} after the kill (bound: {EdgeLossBound})");
        Assert.All(right, a => Assert.True(
            a.Status == HttpStatusCode.ServiceUnavailable || a.Status == HttpStatusCode.OK && a.Body == "alive",
            $"right after the kill every request answers 503, or 200 once the daemon is back through the survivor: {a}"));
        Assert.All(right, a => Assert.True(a.Elapsed < EdgeLossBound, $"a request took {a}"));

        await Eventually.TrueAsync(
            async () => (await DataPlaneHttp.GetAsync(client, deviceId, "whoami")).Body == "alive",
            "the device to be reachable again once its daemon reconnected to the survivor",
            TimeSpan.FromSeconds(30));
        Assert.Equal(survivor.EdgeId, (await OperatorApi.StatusAsync(survivor.Client, deviceId)).GetProperty("edgeId").GetString());
    }

    [Fact]
    public async Task SiloHoldingTheGrainKilled_DeviceReachableThroughBothEdgesWithin10Seconds_WithoutReconnecting()
    {
        var cluster = TestSilo.NewLocalCluster() with { Mode = ClusterMode.Redis, RedisConnectionString = TestServices.Redis };
        var database = TestServices.MySqlDatabase(TestServices.NewDatabaseName());
        await using var siloA = await SiloProcess.StartAsync(cluster, database);
        await using var siloB = await SiloProcess.StartAsync(cluster, database);
        await using var edgeA = await TestEdge.StartAsync(cluster, DataPlaneSettings.InProcess());
        await using var edgeB = await TestEdge.StartAsync(cluster, DataPlaneSettings.InProcess());
        await using var service = await StreamingDeviceService.StartAsync("alive");
        var deviceId = "dp-sk-" + Guid.NewGuid().ToString("N")[..6];
        await using var daemon = await TestDaemon.StartAsync(deviceId, await edgeA.ProvisionAsync(deviceId), service.BaseUri, edgeA.DevicePort);
        using var clientA = DataPlaneHttp.NewClient(edgeA.Client.BaseAddress!, TimeSpan.FromSeconds(10));
        using var clientB = DataPlaneHttp.NewClient(edgeB.Client.BaseAddress!, TimeSpan.FromSeconds(10));

        // Both edges have relayed to the device (and may have kept its route) before the grain's silo dies.
        Assert.Equal("alive", (await DataPlaneHttp.GetAsync(clientA, deviceId, "whoami")).Body);
        Assert.Equal("alive", (await DataPlaneHttp.GetAsync(clientB, deviceId, "whoami")).Body);
        var epoch = await EpochAsync(edgeA, deviceId);
        var grainSilo = await GrainSiloPortAsync(edgeA, deviceId);
        var victim = grainSilo == siloA.SiloPort ? siloA : grainSilo == siloB.SiloPort ? siloB : throw new InvalidOperationException($"the device's grain is on silo port {grainSilo}, neither silo's");

        var killed = Stopwatch.StartNew();
        victim.Kill();
        RelayOutcome[] last = [];
        await Eventually.TrueAsync(
            async () =>
            {
                last = await Task.WhenAll(DataPlaneHttp.GetAsync(clientA, deviceId, "whoami"), DataPlaneHttp.GetAsync(clientB, deviceId, "whoami"));
                return last.All(o => o.Body == "alive");
            },
            "the device to be reachable through both edges after its grain's silo died",
            TimeSpan.FromSeconds(30));
        var recovered = killed.Elapsed;

        TestContext.Current.TestOutputHelper?.WriteLine($"reachable through both edges {recovered.TotalSeconds:0.0} s after the silo kill");
        Assert.True(recovered < SiloLossBound, $"the device took {recovered} to be reachable through both edges again (bound: {SiloLossBound})");
        Assert.True(daemon.AcceptedSessions == 1, $"the daemon reconnected ({daemon.AcceptedSessions} sessions; last end: {daemon.Daemon.LastSessionEnd})");
        // Relaying recovers on cached routes before the grain is active again (requests no longer need it; measured
        // here: 0.1 s after the kill), so the grain may still be re-activating, or re-activated before the edges
        // re-announced the session: ask until it knows the session again, which must be the same one.
        long? epochAfter = null;
        await Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    epochAfter = await EpochAsync(edgeB, deviceId);
                    return epochAfter is not null;
                }
                catch (Exception ex) when (ex is OrleansException or TimeoutException or OperationCanceledException)
                {
                    return false;
                }
            },
            "the device's grain to know its session again after its silo died",
            TimeSpan.FromSeconds(30));
        Assert.Equal(epoch, epochAfter);
    }

    /// <summary>The device's session epoch, from its grain.</summary>
    private static async Task<long?> EpochAsync(TestEdge edge, string deviceId) =>
        (await edge.Services.GetRequiredService<IClusterClient>().GetGrain<IDeviceGrain>(deviceId).GetStatus()).Epoch;

    /// <summary>The silo port of the device's grain activation, asked of the cluster's management grain.</summary>
    private static async Task<int> GrainSiloPortAsync(TestEdge edge, string deviceId)
    {
        var client = edge.Services.GetRequiredService<IClusterClient>();
        var address = await client.GetGrain<IManagementGrain>(0).GetActivationAddress(client.GetGrain<IDeviceGrain>(deviceId));
        return address?.Endpoint.Port ?? throw new InvalidOperationException($"no activation of {deviceId}'s grain was found");
    }
}
