using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.DataPlane;

/// <summary>
/// One silo, three edges (A, B, C) and one streaming device held by edge B, shared by the data-plane tests. A
/// client on edge B reaches the device on the same edge; a client on edge A reaches it across edges. Tests that move
/// devices start their own daemons on these edges.
/// </summary>
public sealed class DataPlaneFixture : IAsyncLifetime
{
    public const string DeviceId = "dp-1";

    /// <summary>The client talks to the edge that holds the device's socket.</summary>
    public const string SameEdge = "same-edge";

    /// <summary>The client talks to another edge, which forwards to the one holding the socket.</summary>
    public const string CrossEdge = "cross-edge";

    private readonly Dictionary<TestEdge, HttpClient> _clients = [];

    internal TestSilo Silo { get; private set; } = null!;

    internal TestEdge EdgeA { get; private set; } = null!;

    internal TestEdge EdgeB { get; private set; } = null!;

    internal TestEdge EdgeC { get; private set; } = null!;

    internal StreamingDeviceService Service { get; private set; } = null!;

    internal TestDaemon Daemon { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Silo = await TestSilo.StartAsync();
        EdgeA = await TestEdge.StartAsync(Silo.Cluster, DataPlaneSettings.InProcess());
        EdgeB = await TestEdge.StartAsync(Silo.Cluster, DataPlaneSettings.InProcess());
        EdgeC = await TestEdge.StartAsync(Silo.Cluster, DataPlaneSettings.InProcess());
        Service = await StreamingDeviceService.StartAsync();
        Daemon = await TestDaemon.StartAsync(DeviceId, await EdgeB.ProvisionAsync(DeviceId), Service.BaseUri, EdgeB.DevicePort);
    }

    /// <summary>The edge a client of <paramref name="route"/> talks to.</summary>
    internal TestEdge ClientEdge(string route) => route switch
    {
        SameEdge => EdgeB,
        CrossEdge => EdgeA,
        _ => throw new ArgumentOutOfRangeException(nameof(route), route, "same-edge or cross-edge"),
    };

    /// <summary>A client of <paramref name="edge"/> with the admin key and a timeout long enough for a 1 GiB transfer.</summary>
    internal HttpClient Client(TestEdge edge)
    {
        lock (_clients)
        {
            if (!_clients.TryGetValue(edge, out var client))
            {
                _clients[edge] = client = DataPlaneHttp.NewClient(edge.Client.BaseAddress!, TimeSpan.FromMinutes(5));
            }

            return client;
        }
    }

    internal HttpClient Client(string route) => Client(ClientEdge(route));

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        foreach (var part in new IAsyncDisposable?[] { Daemon, Service, EdgeC, EdgeB, EdgeA, Silo })
        {
            if (part is not null)
            {
                await part.DisposeAsync();
            }
        }
    }
}

/// <summary>
/// The data-plane tests run alone, never beside another collection: the large transfers measure the whole test
/// process's memory, and the latency of the streams should not be another test's CPU.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DataPlaneCollection : ICollectionFixture<DataPlaneFixture>
{
    public const string Name = "DataPlane";
}
