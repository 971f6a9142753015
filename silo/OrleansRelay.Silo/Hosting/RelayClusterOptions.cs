using Microsoft.Extensions.Configuration;

namespace OrleansRelay.Silo.Hosting;

/// <summary>How silos and edges find each other. Bound from the <c>Cluster</c> configuration section.</summary>
public sealed record RelayClusterOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Cluster";

    /// <summary>The downward API's pod IP variable, as Orleans' Kubernetes hosting names it.</summary>
    public const string PodIpVariable = "POD_IP";

    /// <summary>
    /// <c>Embedded</c>: the edge hosts a silo in its own process with in-memory storage (the default; nothing to install).
    /// <c>Localhost</c>: silos and edges on one machine find each other on fixed localhost ports.
    /// </summary>
    public ClusterMode Mode { get; init; } = ClusterMode.Embedded;

    /// <summary>Orleans cluster id; all silos and edges of one deployment share it.</summary>
    public string ClusterId { get; init; } = "orleansrelay";

    /// <summary>Orleans service id; stable across deployments of the same service.</summary>
    public string ServiceId { get; init; } = "orleansrelay";

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; init; } = 11111;

    /// <summary>Gateway port edges connect to.</summary>
    public int GatewayPort { get; init; } = 30000;

    /// <summary>
    /// Redis mode: the address this silo advertises to the others (default: listen on all addresses and advertise
    /// the host's primary address).
    /// </summary>
    public string? AdvertisedAddress { get; init; }

    /// <summary>
    /// Redis mode, silo host only: the silo runs in a Kubernetes pod (<c>Microsoft.Orleans.Hosting.Kubernetes</c>). Its
    /// silo name is the pod's name and it advertises the pod's IP address, both from the downward API
    /// (<c>POD_NAME</c>, <c>POD_NAMESPACE</c>, <c>POD_IP</c>); it listens on all addresses on <see cref="SiloPort"/> and
    /// <see cref="GatewayPort"/>, and silos whose pods are gone are declared dead at once (which needs a role that may
    /// get, list, watch, patch and delete pods). Membership stays in Redis. <see cref="AdvertisedAddress"/>, if set,
    /// still wins over <c>POD_IP</c>.
    /// </summary>
    public bool KubernetesHosting { get; init; }

    /// <summary>
    /// How long a silo initially waits for a probe answer before counting it missed (Orleans adapts it between half
    /// and four times this). With <see cref="MissedProbesLimit"/> it sets how fast a dead silo is declared dead and its
    /// devices' grains come back elsewhere. Default 2 s (Orleans' own default is 5 s).
    /// </summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Missed probes before a silo is suspected dead. Default 2 (Orleans' own default is 3).</summary>
    public int MissedProbesLimit { get; init; } = 2;

    /// <summary>
    /// How long the distributed grain directory keeps a dead silo's directory range locked, so that a silo declared
    /// dead while still running cannot hold a second activation of a grain. Orleans' default (30 s, minus the failure
    /// detection time) held every device of a killed silo unreachable for about 14 s after its death was declared.
    /// The relay defaults to zero: a duplicate device grain during a partition is harmless (registration writes
    /// are optimistic-concurrency checked, sessions carry epochs), while an outage is not.
    /// </summary>
    public TimeSpan DirectoryRangeLease { get; init; } = TimeSpan.Zero;

    /// <summary>Redis mode: the StackExchange.Redis configuration string, from <c>ConnectionStrings:Redis</c>.</summary>
    public string? RedisConnectionString { get; init; }

    /// <summary>Reads the <c>Cluster</c> section and <c>ConnectionStrings:Redis</c>.</summary>
    public static RelayClusterOptions From(Microsoft.Extensions.Configuration.IConfiguration configuration, ClusterMode defaultMode = ClusterMode.Embedded)
    {
        var section = configuration.GetSection(SectionName);
        var options = section.Get<RelayClusterOptions>() ?? new RelayClusterOptions();
        return options with
        {
            Mode = section[nameof(Mode)] is null ? defaultMode : options.Mode,
            RedisConnectionString = options.RedisConnectionString ?? configuration.GetConnectionString("Redis"),
            // Orleans' own endpoint defaults resolve an address before Kubernetes hosting would read POD_IP, so the pod
            // IP becomes the advertised address here.
            AdvertisedAddress = options.AdvertisedAddress
                ?? (options.KubernetesHosting ? Environment.GetEnvironmentVariable(PodIpVariable) : null),
        };
    }
}
