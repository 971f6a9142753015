namespace OrleansRelay.LoadTest.Deployment;

/// <summary>The relay the load test starts itself.</summary>
internal sealed record LocalRelayOptions
{
    /// <summary>Edges to start (each a process; with <see cref="Embedded"/> only one).</summary>
    public int Edges { get; init; } = 1;

    /// <summary>One edge process hosting its silo (<c>Cluster:Mode=Embedded</c>) instead of a silo process and edge processes.</summary>
    public bool Embedded { get; init; }

    /// <summary>Edge admission control (new connections per second and burst); null keeps the edge's defaults (500/1000).</summary>
    public int? AdmissionRatePerSecond { get; init; }

    public int? AdmissionBurst { get; init; }

    /// <summary>Where the hosts' console logs go.</summary>
    public required string LogDirectory { get; init; }
}
