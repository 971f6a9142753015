namespace OrleansRelay.Silo.Hosting;

/// <summary>How silos and edges find each other. Bound from the <c>Cluster</c> configuration section.</summary>
public sealed record RelayClusterOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Cluster";

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
}
