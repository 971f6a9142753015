using System.Net;
using OrleansRelay.LoadTest.Devices;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.Fleet;

/// <summary>
/// Devices of the load tester's fleet (real sockets, the daemon's protocol), provisioned through the operator API with
/// reproducible profiles (names like "Maple Street thermostat"), all connected to one edge.
/// </summary>
internal sealed class SimulatedFleet : IAsyncDisposable
{
    private readonly DeviceFleet _fleet;
    private int _disposed;

    private SimulatedFleet(DeviceFleet fleet, DeviceCredentials[] devices)
    {
        _fleet = fleet;
        Devices = devices;
    }

    public DeviceCredentials[] Devices { get; }

    public long Online => _fleet.Online;

    public SimulatedDevice Device(string deviceId) => _fleet.Devices.Single(d => d.DeviceId == deviceId);

    /// <summary>Provisions <paramref name="ids"/> and connects them all (waits until every one is online).</summary>
    public static async Task<SimulatedFleet> ConnectAsync(TestEdge edge, IReadOnlyList<string> ids, int seed = 17)
    {
        var devices = await ProvisionAsync(edge, ids, seed);
        var fleet = new DeviceFleet([new IPEndPoint(IPAddress.Loopback, edge.DevicePort)], new FleetOptions { ConnectConcurrency = 200, GiveUpAfter = TimeSpan.FromSeconds(60) });
        fleet.Start(devices);
        var online = await fleet.WaitOnlineAsync(ids.Count, TimeSpan.FromSeconds(90), TestContext.Current.CancellationToken);
        Assert.True(online, $"{fleet.Online} of {ids.Count} simulated devices came online (failures: {string.Join(", ", fleet.Failures.Select(f => $"{f.Key}={f.Value}"))})");
        return new SimulatedFleet(fleet, devices);
    }

    /// <summary>Provisions <paramref name="ids"/> without connecting them.</summary>
    public static Task<DeviceCredentials[]> ProvisionAsync(TestEdge edge, IReadOnlyList<string> ids, int seed = 17)
    {
        var profiles = new DeviceProfileFactory(seed);
        return new DeviceProvisioner(edge.Client).ProvisionAsync([.. ids.Select((id, i) => profiles.Create(id, i))], _ => { }, TestContext.Current.CancellationToken);
    }

    /// <summary>Disconnects every device (goodbye frames: offline, reason "graceful").</summary>
    public ValueTask DisposeAsync() => Interlocked.Exchange(ref _disposed, 1) == 0 ? _fleet.DisposeAsync() : ValueTask.CompletedTask;
}
