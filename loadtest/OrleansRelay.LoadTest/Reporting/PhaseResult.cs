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

    /// <summary>CPU of other processes on the machine (other users), percent of all cores.</summary>
    public double OtherProcessesCpuPercent { get; init; }

    /// <summary>The machine had no idle CPU left (≥ 95 % of all cores busy): the relay competed for CPU, throughput is a floor.</summary>
    public bool MachineSaturated { get; init; }

    /// <summary>Open model: share of requests the generator started more than 5 ms after their scheduled time.</summary>
    public double LateDispatchShare { get; init; }

    /// <summary>Open model: the latest a request was started after its scheduled time, in ms.</summary>
    public double MaxDispatchLagMs { get; init; }

    /// <summary>
    /// The load generator could not keep up with itself: in the open model more than 1 % of requests started over
    /// 5 ms late; in the closed model its thread pool had a backlog of more than 4 work items per core on average.
    /// (Late starts still count in the latency, measured from the schedule.)
    /// </summary>
    public bool LoadGeneratorSaturated { get; init; }

    /// <summary>Closed model: average thread-pool backlog of the load generator during the phase.</summary>
    public double GeneratorThreadPoolBacklog { get; init; }
}
