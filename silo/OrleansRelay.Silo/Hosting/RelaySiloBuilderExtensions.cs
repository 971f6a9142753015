using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;

namespace OrleansRelay.Silo.Hosting;

/// <summary>Configures an Orleans silo to host the relay's grains.</summary>
public static class RelaySiloBuilderExtensions
{
    /// <summary>Adds the relay's services and, for <see cref="ClusterMode.Embedded"/> and <see cref="ClusterMode.Localhost"/>, localhost clustering and in-memory storage.</summary>
    public static ISiloBuilder AddRelaySilo(this ISiloBuilder silo, RelayClusterOptions cluster)
    {
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = cluster.ClusterId;
            o.ServiceId = cluster.ServiceId;
        });
        silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
        silo.AddMemoryGrainStorage(RelaySiloDefaults.DeviceStorageName);
        return silo;
    }
}
