using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using OrleansRelay.Silo.Caching;

namespace OrleansRelay.Silo.Hosting;

/// <summary>Configures an Orleans silo to host the relay's grains.</summary>
public static class RelaySiloBuilderExtensions
{
    /// <summary>Adds the relay's grains with localhost clustering and in-memory storage (embedded and localhost modes).</summary>
    public static ISiloBuilder AddRelaySilo(this ISiloBuilder silo, RelayClusterOptions cluster)
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = cluster.ClusterId;
            o.ServiceId = cluster.ServiceId;
        });
        silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
        silo.AddMemoryGrainStorage(RelaySiloDefaults.DeviceStorageName);
        return silo.AddRelayGrainServices();
    }

    /// <summary>Adds what the relay's grains need beyond clustering and storage (which the caller chooses).</summary>
    public static ISiloBuilder AddRelayGrainServices(this ISiloBuilder silo)
    {
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddMetrics();
        silo.Services.TryAddSingleton<CacheMetrics>();
        silo.Services.AddOptions<CacheOptions>().BindConfiguration(CacheOptions.SectionName);
        return silo;
    }
}
