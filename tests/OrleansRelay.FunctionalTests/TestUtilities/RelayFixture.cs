namespace OrleansRelay.FunctionalTests.TestUtilities;

/// <summary>
/// One silo, one edge (small frames, so 1–4 MiB bodies span many frames), one local device service and one daemon,
/// shared by the end-to-end tests. Tests that need their own edges or devices start them on the same silo.
/// </summary>
public sealed class RelayFixture : IAsyncLifetime
{
    public const string DeviceId = "e2e-1";
    public const int MaxFramePayload = 128 * 1024;
    public const long MaxBodyBytes = 8 * 1024 * 1024;

    internal TestSilo Silo { get; private set; } = null!;

    internal TestEdge Edge { get; private set; } = null!;

    internal TestDeviceService Service { get; private set; } = null!;

    internal TestDaemon Daemon { get; private set; } = null!;

    internal static Dictionary<string, string?> EdgeSettings => new()
    {
        ["Edge:MaxFramePayload"] = MaxFramePayload.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Edge:ChunkSize"] = "16384",
        ["Edge:StreamWindow"] = "65536",
        ["Edge:MaxBodyBytes"] = MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public async ValueTask InitializeAsync()
    {
        Silo = await TestSilo.StartAsync();
        Edge = await TestEdge.StartAsync(Silo.Cluster, EdgeSettings);
        Service = await TestDeviceService.StartAsync();
        var secret = await Edge.ProvisionAsync(DeviceId);
        Daemon = await TestDaemon.StartAsync(DeviceId, secret, Service.BaseUri, Edge.DevicePort);
    }

    public async ValueTask DisposeAsync()
    {
        await Daemon.DisposeAsync();
        await Edge.DisposeAsync();
        await Service.DisposeAsync();
        await Silo.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class RelayCollection : ICollectionFixture<RelayFixture>
{
    public const string Name = "Relay";
}
