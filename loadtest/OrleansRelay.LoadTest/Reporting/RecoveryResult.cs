namespace OrleansRelay.LoadTest.Reporting;

/// <summary>An edge killed or drained with its devices: how fast they were all back online on the other edge(s).</summary>
internal sealed record RecoveryResult
{
    public required string Action { get; init; }

    public required int DevicesOnStoppedEdge { get; init; }

    public required int Recovered { get; init; }

    public required long GaveUp { get; init; }

    public required double AllBackSeconds { get; init; }

    public required double MedianBackSeconds { get; init; }

    public required int SurvivorHealthChecks { get; init; }

    public required int SurvivorHealthFailures { get; init; }

    public required int RelayedAfterRecovery { get; init; }

    public required int RelayFailuresAfterRecovery { get; init; }
}
