namespace OrleansRelay.Silo.Diagnostics;

/// <summary>
/// <c>Memory:IdleTrim</c>: when a host has gone quiet after a burst (a connect storm, a reconnect wave), give the GC
/// memory it keeps committed but no longer uses back to the operating system. The GC alone decommits free regions by
/// budget and age measured in collections, and a quiet process runs almost none, so a burst's peak stays in RSS.
/// </summary>
public sealed class IdleMemoryTrimOptions
{
    public const string SectionName = "Memory:IdleTrim";

    /// <summary>On by default; off: the GC's own decommit policy only.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the host looks at its allocation rate and committed memory.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Consecutive quiet checks before a trim: the host must have been quiet this long (× the interval).</summary>
    public int QuietChecks { get; set; } = 2;

    /// <summary>An allocation rate at or below this (bytes/s, over one interval) counts as quiet.</summary>
    public long QuietAllocationBytesPerSecond { get; set; } = 4L * 1024 * 1024;

    /// <summary>Committed minus heap at least this many bytes: a smaller surplus is not worth a full collection's pause.</summary>
    public long MinSurplusBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>At least this long between two trims, however the figures look.</summary>
    public TimeSpan MinInterval { get; set; } = TimeSpan.FromSeconds(30);
}
