using OrleansRelay.Contracts.Grains;
using OrleansRelay.FunctionalTests.TestUtilities;
using OrleansRelay.Silo.Hosting;

namespace OrleansRelay.FunctionalTests.Cluster;

/// <summary>No acknowledged notification is lost when an edge or a silo dies.</summary>
[Collection(RelayCollection.Name)]
public sealed class NotificationFailoverTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EdgeKilledWhileTheDaemonSends500_AResumingSubscriberGetsAll500ExactlyOnce()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var deviceId = $"nf-{suffix}";
        var cluster = TestSilo.NewLocalCluster() with { Mode = ClusterMode.Redis, RedisConnectionString = TestServices.Redis, AdvertisedAddress = "127.0.0.1" };
        await using var silo = await TestSilo.StartAsync(cluster, new RelayStorageOptions());
        await using var edgeA = await EdgeProcess.StartAsync(cluster, "nf-a-" + suffix);
        await using var edgeB = await EdgeProcess.StartAsync(cluster, "nf-b-" + suffix);
        await using var service = await TestDeviceService.StartAsync();
        await using var daemon = await TestDaemon.StartAsync(deviceId, await OperatorApi.ProvisionAsync(edgeA.Client, deviceId), service.BaseUri, edgeA.DevicePort, edgeB.DevicePort);
        var holder = (await OperatorApi.StatusAsync(edgeA.Client, deviceId)).GetProperty("edgeId").GetString();
        var (victim, survivor) = holder == edgeA.EdgeId ? (edgeA, edgeB) : (edgeB, edgeA);

        long marker;
        await using (var events = await SseClient.OpenAsync(survivor.Client.BaseAddress!, $"/v1/devices/{deviceId}/events"))
        {
            daemon.Daemon.Notify("marker");
            marker = (await events.NextAsync(1, "notification"))[0].Id!.Value;
        }

        for (var i = 0; i < 500; i++)
        {
            Assert.Null(daemon.Daemon.Notify($"n{i}"));
            if (i == 100)
            {
                victim.Kill();
            }
        }

        await Eventually.TrueAsync(() => daemon.Daemon.PendingNotifications == 0, "every notification to be acknowledged through the surviving edge", TimeSpan.FromSeconds(60));
        Assert.True(daemon.AcceptedSessions >= 2, "the device reconnected to the other edge");

        await using var resumed = await SseClient.OpenAsync(survivor.Client.BaseAddress!, $"/v1/devices/{deviceId}/events", marker);
        var received = await resumed.NextAsync(500, "notification", TimeSpan.FromSeconds(20));
        Assert.Equal(Enumerable.Range(0, 500).Select(i => $"n{i}"), received.Select(e => e.Data));

        // Nothing more (no duplicate) before the next new notification.
        daemon.Daemon.Notify("end");
        Assert.Equal("end", (await resumed.NextAsync(1, "notification"))[0].Data);
    }

    [Fact]
    public async Task SiloHoldingTheDeviceKilled_ResumeWithLastEventId_StillGetsExactlyTheMissedEvents()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var deviceId = $"ns-{suffix}";
        var cluster = TestSilo.NewLocalCluster() with { Mode = ClusterMode.Redis, RedisConnectionString = TestServices.Redis };
        var database = TestServices.MySqlDatabase(TestServices.NewDatabaseName());
        await using var siloA = await SiloProcess.StartAsync(cluster, database);
        await using var siloB = await SiloProcess.StartAsync(cluster, database);
        await using var edge = await TestEdge.StartAsync(cluster);
        await using var service = await TestDeviceService.StartAsync();
        await using var daemon = await TestDaemon.StartAsync(deviceId, await edge.ProvisionAsync(deviceId), service.BaseUri, edge.DevicePort);

        long before;
        await using (var events = await SseClient.OpenAsync(edge.Client.BaseAddress!, $"/v1/devices/{deviceId}/events"))
        {
            daemon.Daemon.Notify("before");
            before = (await events.NextAsync(1, "notification"))[0].Id!.Value;
        }

        for (var i = 0; i < 50; i++)
        {
            daemon.Daemon.Notify($"missed-{i}");
        }

        await Eventually.TrueAsync(() => daemon.Daemon.PendingNotifications == 0, "the 50 to be recorded");

        // Kill the silo that holds the device's grain: its log must come back from MariaDB.
        var grains = edge.Services.GetRequiredService<IGrainFactory>();
        var grainId = grains.GetGrain<IDeviceGrain>(deviceId).GetGrainId();
        var statistics = await grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics(null, null, Token);
        var host = statistics.Single(s => s.GrainId == grainId).SiloAddress.Endpoint.Port;
        (host == siloA.SiloPort ? siloA : siloB).Kill();

        await Eventually.TrueAsync(
            async () =>
            {
                using var probe = await edge.Client.GetAsync($"/v1/admin/devices/{deviceId}", Token);
                return probe.IsSuccessStatusCode;
            },
            "the device's grain to be back on the surviving silo",
            TimeSpan.FromSeconds(30));
        await using var resumed = await SseClient.OpenAsync(edge.Client.BaseAddress!, $"/v1/devices/{deviceId}/events", before);
        var replayed = await resumed.NextAsync(50, "notification", TimeSpan.FromSeconds(20));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"missed-{i}"), replayed.Select(e => e.Data));
        Assert.Equal(Enumerable.Range(1, 50).Select(i => before + i), replayed.Select(e => e.Id!.Value));
    }
}
