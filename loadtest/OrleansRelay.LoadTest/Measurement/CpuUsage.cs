namespace OrleansRelay.LoadTest.Measurement;

/// <summary>CPU used over an interval of <see cref="Wall"/> time; <see cref="MachineBusyPercent"/> is of all cores.</summary>
internal readonly record struct CpuUsage(TimeSpan Edge, TimeSpan Silo, TimeSpan LoadGenerator, TimeSpan Wall, double MachineBusyPercent)
{
    /// <summary>Percent of one core.</summary>
    public static double PercentOfCore(TimeSpan cpu, TimeSpan wall) => wall > TimeSpan.Zero ? 100.0 * cpu / wall : 0;

    /// <summary>Percent of all the machine's cores used by the load generator.</summary>
    public double LoadGeneratorPercentOfMachine => PercentOfCore(LoadGenerator, Wall) / Environment.ProcessorCount;

    /// <summary>Percent of all cores used by processes that are neither the relay nor the load generator (a shared machine).</summary>
    public double OthersPercentOfMachine => Math.Max(0, MachineBusyPercent - (PercentOfCore(Edge + Silo + LoadGenerator, Wall) / Environment.ProcessorCount));
}
