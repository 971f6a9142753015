using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model;
using OrleansRelay.Contracts.Model.Fleet;
using OrleansRelay.Wire;

namespace OrleansRelay.Tests.Silo.Fleet;

/// <summary>What a device grain writes to the fleet index (the in-memory index grain of the test cluster).</summary>
[Collection(ClusterCollection.Name)]
public sealed class DeviceGrainIndexTests(ClusterFixture fixture)
{
    private readonly List<RecordingEdgeObserver> _observers = [];

    [Fact]
    public async Task ProvisionConnectNotifyDisconnect_IndexFollows_LastNotificationByTimer()
    {
        const string id = "index-life";
        var grain = fixture.Client.GetGrain<IDeviceGrain>(id);
        var secret = (await grain.Provision("Porch light", rotateSecret: false)).Secret!;
        var provisioned = await RowAsync(id, row => row is { Online: false, Reason: DeviceIndexEntry.NeverConnected }, "the provisioned row");
        Assert.Equal("Porch light", provisioned.Name);

        var observer = new RecordingEdgeObserver();
        _observers.Add(observer);
        var edge = new EdgeRef("index-edge", fixture.Client.CreateObjectReference<IEdgeObserver>(observer), "http://index-edge:5072");
        await fixture.Client.GetGrain<IEdgeRegistryGrain>(IEdgeRegistryGrain.Key).Renew(edge, TimeSpan.FromMinutes(10));
        var nonce = DeviceAuthentication.GenerateNonce();
        var connected = await grain.Connect(new DeviceConnectRequest(nonce, DeviceAuthentication.CreateProof(secret, nonce, id), edge, "{}"));
        Assert.True(connected.Accepted);
        var online = await RowAsync(id, row => row.Online, "the online row");
        Assert.Equal(("index-edge", "connected"), (online.EdgeId, online.Reason));

        // Two notifications in quick succession: the first is written at once, the second by the grain's timer.
        var epoch = connected.Epoch;
        await grain.RecordNotifications(epoch, [new DeviceNotification(1, "a")]);
        await grain.RecordNotifications(epoch, [new DeviceNotification(2, "b")]);
        var events = await grain.GetEvents(0, 100);
        var second = events.Events.Single(e => e.Data == "b").At;
        await RowAsync(id, row => row.LastNotificationAt == second, "the second notification's time, written by the timer");

        await grain.Disconnect(epoch, "heartbeat-timeout");
        var offline = await RowAsync(id, row => !row.Online, "the offline row");
        Assert.Equal(("heartbeat-timeout", (string?)null, second), (offline.Reason, offline.EdgeId, offline.LastNotificationAt));

        Assert.True(await grain.Deregister());
        await WaitAsync(async () => (await QueryAsync(id)) is null, "the row to be removed");
    }

    private async Task<FleetDevice?> QueryAsync(string id) =>
        (await fixture.Client.GetGrain<IDeviceIndexGrain>(0).Query(new FleetQuery(null, id, null, 10))).Devices.SingleOrDefault(d => d.DeviceId == id);

    private async Task<FleetDevice> RowAsync(string id, Func<FleetDevice, bool> condition, string what)
    {
        FleetDevice? row = null;
        await WaitAsync(async () => (row = await QueryAsync(id)) is not null && condition(row), what);
        return row!;
    }

    private static Task WaitAsync(Func<Task<bool>> condition, string what) => Eventually.TrueAsync(condition, what);
}
