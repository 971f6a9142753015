namespace OrleansRelay.Silo.Hosting;

/// <summary>Cluster topology, see <see cref="RelayClusterOptions.Mode"/>.</summary>
public enum ClusterMode
{
    /// <summary>A silo inside the edge process, in-memory storage.</summary>
    Embedded,

    /// <summary>Separate silo and edge processes on one machine, localhost clustering.</summary>
    Localhost,

    /// <summary>Production: membership in Redis (<c>ConnectionStrings:Redis</c>); any number of silos and edges.</summary>
    Redis,
}
