using System.Net;
using Orleans.Configuration;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.FunctionalTests.TestUtilities;
using OrleansRelay.Silo.Hosting;

namespace OrleansRelay.FunctionalTests.Cluster;

/// <summary>Idle grain collection must not cost a connected device its grain (and so its cache and session).</summary>
public sealed class IdleCollectionTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConnectedDevice_IdleLongerThanTheCollectionAge_KeepsItsGrain_AndStaysReachable()
    {
        var collectionAge = TimeSpan.FromSeconds(2);
        await using var silo = await TestSilo.StartAsync(TestSilo.NewLocalCluster(), new RelayStorageOptions(), s => s.Configure<GrainCollectionOptions>(o =>
        {
            o.CollectionQuantum = TimeSpan.FromSeconds(1);
            o.CollectionAge = collectionAge;
        }));
        await using var edge = await TestEdge.StartAsync(silo.Cluster);
        await using var service = await TestDeviceService.StartAsync();
        await using var daemon = await TestDaemon.StartAsync("idle-connected", await edge.ProvisionAsync("idle-connected"), service.BaseUri, edge.DevicePort);
        await edge.ProvisionAsync("idle-offline");

        var grains = edge.Services.GetRequiredService<IGrainFactory>();
        var deviceGrainType = grains.GetGrain<IDeviceGrain>("idle-connected").GetGrainId().Type;
        var management = grains.GetGrain<IManagementGrain>(0);
        async Task<string[]> ActiveDevicesAsync() =>
            (await management.GetActiveGrains(deviceGrainType)).Select(g => g.Key.ToString()!).ToArray();
        Assert.Contains("idle-offline", await ActiveDevicesAsync());

        // The offline device's grain, idle for less time than the connected one's, is collected...
        await Eventually.TrueAsync(
            async () => !(await ActiveDevicesAsync()).Contains("idle-offline"),
            "the offline device's idle grain to be collected",
            TimeSpan.FromSeconds(30));

        // ...while the connected device's grain is still the same activation, and the device answers without reconnecting.
        Assert.Contains("idle-connected", await ActiveDevicesAsync());
        using var response = await edge.Client.GetAsync("/v1/devices/idle-connected/api/device", Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, daemon.AcceptedSessions);
    }
}
