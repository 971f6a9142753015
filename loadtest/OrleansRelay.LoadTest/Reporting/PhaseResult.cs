namespace OrleansRelay.LoadTest.Reporting;

/// <summary>
/// One measured load phase (warm-up excluded). <see cref="Model"/> is <c>closed</c> (fixed concurrency: throughput)
/// or <c>open</c> (fixed arrival rate, latency measured from each request's scheduled start: no coordinated omission).
/// CPU per request is the relay processes' CPU time over the phase divided by its requests.
/// </summary>
internal sealed record PhaseResult
{
    public required string Name { get; init; }

    public required string Model { get; init; }

    public int Concurrency { get; init; }

    public double TargetRate { get; init; }

    public required double Seconds { get; init; }

    public required long Requests { get; init; }

    public required double RequestsPerSecond { get; init; }

    public required LatencySummary Latency { get; init; }

    public required IReadOnlyDictionary<string, long> Errors { get; init; }

    public long ErrorCount => Errors.Values.Sum();

    public long CacheHits { get; init; }

    public long CacheMisses { get; init; }

    public double EdgeCpuMicrosPerRequest { get; init; }

    public double SiloCpuMicrosPerRequest { get; init; }

    public double RelayCpuMicrosPerRequest => EdgeCpuMicrosPerRequest + SiloCpuMicrosPerRequest;

    public double LoadGeneratorCpuPercent { get; init; }

    public double MachineBusyPercent { get; init; }

    /// <summary>The machine had no idle CPU left: the load generator competed with the relay, numbers are a floor.</summary>
    public bool LoadGeneratorSaturated { get; init; }
}
