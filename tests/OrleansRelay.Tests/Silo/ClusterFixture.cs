using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansRelay.Silo.Hosting;

namespace OrleansRelay.Tests.Silo;

/// <summary>One in-process Orleans cluster shared by the grain tests.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(RelaySiloDefaults.DeviceStorageName).AddRelayGrainServices();
            // The fleet index written quickly, so its tests wait milliseconds rather than the production intervals.
            silo.Services.Configure<OrleansRelay.Silo.Fleet.FleetIndexOptions>(o =>
            {
                o.FlushInterval = TimeSpan.FromMilliseconds(50);
                o.NotificationInterval = TimeSpan.FromMilliseconds(300);
            });
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "Orleans cluster";
}
