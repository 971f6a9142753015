using Microsoft.Extensions.Hosting;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using OrleansRelay.Silo.Diagnostics;
using OrleansRelay.Silo.Events;
using OrleansRelay.Silo.Events.Streams;
using OrleansRelay.Silo.Storage;

namespace OrleansRelay.Silo.Hosting;

/// <summary>Configures an Orleans silo to host the relay's grains.</summary>
public static class RelaySiloBuilderExtensions
{
    /// <summary>Adds the relay's grains with the clustering and storage the options select.</summary>
    public static ISiloBuilder AddRelaySilo(this ISiloBuilder silo, RelayClusterOptions cluster, RelayStorageOptions? storage = null)
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = cluster.ClusterId;
            o.ServiceId = cluster.ServiceId;
        });
        if (cluster.Mode == ClusterMode.Redis)
        {
            var redis = cluster.RedisConnectionString
                ?? throw new InvalidOperationException("Cluster:Mode is Redis but ConnectionStrings:Redis is not set.");
            if (cluster.KubernetesHosting)
            {
                // The ports only: the silo host's Kubernetes hosting advertises the pod IP and listens on all addresses.
                silo.Configure<EndpointOptions>(o =>
                {
                    o.SiloPort = cluster.SiloPort;
                    o.GatewayPort = cluster.GatewayPort;
                    if (cluster.AdvertisedAddress is { } address)
                    {
                        o.AdvertisedIPAddress = IPAddress.Parse(address);
                    }
                });
            }
            else if (cluster.AdvertisedAddress is { } advertised)
            {
                silo.ConfigureEndpoints(IPAddress.Parse(advertised), cluster.SiloPort, cluster.GatewayPort);
            }
            else
            {
                silo.ConfigureEndpoints(cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: true);
            }

            silo.UseRedisClustering(redis);
        }
        else if (cluster.KubernetesHosting)
        {
            throw new InvalidOperationException("Cluster:KubernetesHosting needs Cluster:Mode=Redis (membership stays in Redis).");
        }
        else
        {
            silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
        }

        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = cluster.ProbeTimeout;
            o.NumMissedProbesLimit = cluster.MissedProbesLimit;
        });
        silo.Configure<GrainDirectoryOptions>(o => o.RangeLeaseDuration = cluster.DirectoryRangeLease);
        // Orleans registers its own first; the last registration is the one resolved (see MembershipClock for why).
        silo.Services.AddKeyedSingleton<TimeProvider>(Orleans.Runtime.TimeProviderNames.Membership, (_, _) => new MembershipClock());
        if (cluster.Mode != ClusterMode.Embedded)
        {
            // With the default directory, a dead silo also takes down activations on the survivors whose directory
            // entries it owned (orleans-notes §9); the distributed directory keeps them.
#pragma warning disable ORLEANSEXP003 // experimental API, chosen on purpose
            silo.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003
        }

        silo.AddRelayStorage(storage ?? new RelayStorageOptions());
        return silo.AddRelayGrainServices();
    }

    /// <summary>Adds the grain storage the relay's grains use.</summary>
    public static ISiloBuilder AddRelayStorage(this ISiloBuilder silo, RelayStorageOptions storage)
    {
        if (storage.Provider == StorageProvider.MySql)
        {
            var connectionString = storage.MySqlConnectionString
                ?? throw new InvalidOperationException("Storage:Provider is MySql but ConnectionStrings:MySql is not set.");
            // Accounts live in the same table (one row per grain state, keyed by grain identity).
            foreach (var name in new[] { RelaySiloDefaults.DeviceStorageName, RelaySiloDefaults.AccountStorageName })
            {
                silo.AddAdoNetGrainStorage(name, options => options.Configure<Serializer>((o, serializer) =>
                {
                    o.Invariant = MySqlSchema.Invariant;
                    o.ConnectionString = connectionString;
                    // Binary Orleans serialization: compact, and byte arrays are not inflated to base64 JSON.
                    o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
                }));
            }

            silo.Services.TryAddSingleton<IDeviceEventStore>(new MySqlDeviceEventStore(connectionString));
            silo.Services.TryAddSingleton<Fleet.IDeviceIndexStore>(new Fleet.MySqlDeviceIndexStore(connectionString));
        }
        else
        {
            silo.AddMemoryGrainStorage(RelaySiloDefaults.DeviceStorageName);
            silo.AddMemoryGrainStorage(RelaySiloDefaults.AccountStorageName);
            silo.Services.TryAddSingleton<IDeviceEventStore, MemoryDeviceEventStore>();
            silo.Services.TryAddSingleton<Fleet.IDeviceIndexStore, Fleet.GrainDeviceIndexStore>();
        }

        return silo;
    }

    /// <summary>
    /// Adds the fleet index's writer and sweeper (the store comes with the storage: a table with MySQL, else the
    /// in-memory index grain).
    /// </summary>
    private static void AddFleetIndex(this ISiloBuilder silo)
    {
        silo.Services.AddOptions<Fleet.FleetIndexOptions>().BindConfiguration(Fleet.FleetIndexOptions.SectionName);
        silo.Services.TryAddSingleton<Fleet.IDeviceIndexStore, Fleet.GrainDeviceIndexStore>();
        silo.Services.TryAddSingleton<Fleet.DeviceIndexWriter>();
        silo.Services.AddHostedService(sp => sp.GetRequiredService<Fleet.DeviceIndexWriter>());
        silo.Services.TryAddSingleton<Fleet.DeviceIndexSweeper>();
        silo.Services.AddHostedService(sp => sp.GetRequiredService<Fleet.DeviceIndexSweeper>());
    }

    /// <summary>Adds what the relay's grains need beyond clustering and storage (which the caller chooses).</summary>
    public static ISiloBuilder AddRelayGrainServices(this ISiloBuilder silo)
    {
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddMetrics();
        silo.Services.AddIdleMemoryTrim();
        silo.Services.TryAddSingleton<Edges.EdgeLivenessMonitor>();
        silo.Services.TryAddSingleton<Edges.CredentialRevocations>();
        silo.Services.AddOptions<EventOptions>().BindConfiguration(EventOptions.SectionName);
        silo.Services.TryAddSingleton<IDeviceEventStore, MemoryDeviceEventStore>();
        silo.AddDeviceEventStreams(DeviceEventStreamOptions.From(silo.Configuration));
        Webhooks.WebhookHosting.AddWebhooks(silo.Services);
        silo.Services.AddOptions<Accounts.AccountOptions>().BindConfiguration(Accounts.AccountOptions.SectionName);
        silo.Services.AddOptions<Accounts.MailOptions>().BindConfiguration(Accounts.MailOptions.SectionName);
        silo.Services.TryAddSingleton<Accounts.ConfirmationMailer>();
        silo.AddFleetIndex();
        return silo;
    }
}
