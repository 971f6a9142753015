namespace OrleansRelay.LoadTest.Reporting;

/// <summary>Everything one scenario run measured; serialised as <c>results.json</c>.</summary>
internal sealed record RunResult
{
    public required string Scenario { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required string Machine { get; init; }

    public required string Deployment { get; init; }

    public required int Devices { get; init; }

    public required IReadOnlyDictionary<string, string> Settings { get; init; }

    public ConnectResult? Connect { get; set; }

    public List<PhaseResult> Phases { get; init; } = [];

    public RecoveryResult? Recovery { get; set; }

    public NotifyResult? Notify { get; set; }

    public List<SoakCycle> Soak { get; init; } = [];

    public List<TargetCheck> Targets { get; init; } = [];

    public List<string> Notes { get; init; } = [];

    public List<TimelinePoint> Timeline { get; set; } = [];
}
