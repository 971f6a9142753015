using Orleans.TestingHost;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model;
using OrleansRelay.Silo.Events.Streams;
using OrleansRelay.Silo.Hosting;
using OrleansRelay.Silo.Storage;

namespace OrleansRelay.Tests.Silo.Streams;

/// <summary>
/// A consumer grain in a two-silo cluster (device logs and consumer positions in the real MariaDB the suite starts)
/// gets every event of a device in order with its id, once, also when the silo it lives on is killed.
/// </summary>
public sealed class DeviceEventConsumerTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(DeviceEventTransport.BroadcastChannel)]
    [InlineData(DeviceEventTransport.MemoryStreams)]
    public async Task ConsumerSiloKilled_EventsRecordedMeanwhileArriveAfter_InOrder_NoneTwice(DeviceEventTransport transport)
    {
        await using var cluster = await StartClusterAsync(transport);
        var deviceId = $"consumer-{transport}-{Guid.NewGuid():N}"[..40];
        var device = cluster.Client.GetGrain<IDeviceGrain>(deviceId);
        await device.Provision("consumer test", rotateSecret: false);
        var sequence = 0L;

        // 50 notifications in batches of 5, as an edge forwards them.
        await RecordAsync(device, 50, () => ++sequence);
        await WaitForPositionAsync(cluster, deviceId, 50);

        var consumerSilo = Handled(deviceId)[^1].Silo;
        var victim = cluster.Silos.Single(s => s.SiloAddress.ToString() == consumerSilo);
        await cluster.KillSiloAsync(victim, Token);

        // Recorded while the consumer's activation is gone (the device's grain may have died with it: retried, the
        // sequence numbers make a retry a no-op), then 10 more once the cluster has settled.
        await RecordAsync(device, 40, () => ++sequence);
        await RecordAsync(device, 10, () => ++sequence);
        await WaitForPositionAsync(cluster, deviceId, 100);

        var handled = Handled(deviceId);
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), handled.Select(h => h.Event.Id));
        Assert.Equal(Enumerable.Range(1, 100).Select(i => $"n{i}"), handled.Select(h => h.Event.Data));
        Assert.All(handled.Skip(50), h => Assert.NotEqual(consumerSilo, h.Silo));
    }

    private static List<(DeviceEvent Event, string Silo)> Handled(string deviceId) =>
        RecordingConsumerGrain.Handled.TryGetValue(deviceId, out var handled) ? [.. handled] : [];

    private static async Task RecordAsync(IDeviceGrain device, int count, Func<long> nextSequence)
    {
        for (var sent = 0; sent < count; sent += 5)
        {
            var batch = Enumerable.Range(0, 5).Select(_ => nextSequence()).Select(s => new DeviceNotification(s, $"n{s}")).ToArray();
            // The device's grain may have been on the killed silo: Orleans fails calls fast until it re-activates.
            await Eventually.TrueAsync(() => Eventually.SucceedsAsync(async () => await device.RecordNotifications(1, batch)), "the device grain to take a batch", TimeSpan.FromSeconds(60));
        }
    }

    private static async Task WaitForPositionAsync(InProcessTestCluster cluster, string deviceId, long lastId)
    {
        long position = -1;
        try
        {
            await Eventually.TrueAsync(
                async () => await Eventually.SucceedsAsync(async () => position = await cluster.Client.GetGrain<IRecordingConsumerGrain>(deviceId).GetPosition()) && position == lastId,
                $"the consumer of {deviceId} to reach {lastId}",
                TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The consumer of {deviceId} reached {position}, not {lastId}; handled: {string.Join(",", Handled(deviceId).Select(h => h.Event.Id))}");
        }
    }

    private static async Task<InProcessTestCluster> StartClusterAsync(DeviceEventTransport transport)
    {
        var storage = new RelayStorageOptions
        {
            Provider = StorageProvider.MySql,
            MySqlConnectionString = TestMySql.Database("relay_consumer_" + Guid.NewGuid().ToString("N")[..10]),
        };
        await SchemaSetup.EnsureAsync(storage, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, TimeSpan.FromSeconds(20), Token);
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Configuration["Events:Transport"] = transport.ToString();
            silo.AddRelayStorage(storage).AddRelayGrainServices();
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
