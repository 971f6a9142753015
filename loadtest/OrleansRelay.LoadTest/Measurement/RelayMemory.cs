namespace OrleansRelay.LoadTest.Measurement;

/// <summary>
/// The relay's memory at one moment, by role (every edge summed, every silo summed): RSS as sampled from /proc, and,
/// where the memory probe answered, RSS and managed heap after a full GC. Figures in MiB; null when not measured.
/// </summary>
internal sealed record RelayMemory
{
    public double EdgeRssMiB { get; init; }

    public double SiloRssMiB { get; init; }

    public double? EdgeHeapMiB { get; init; }

    public double? SiloHeapMiB { get; init; }

    public double? EdgeRssAfterGcMiB { get; init; }

    public double? SiloRssAfterGcMiB { get; init; }

    public int EdgeThreads { get; init; }

    public int SiloThreads { get; init; }

    /// <summary>GC mode of the probed processes, e.g. "edge: server, 2 heap(s); silo: …".</summary>
    public string? GcModes { get; init; }

    public double RelayRssMiB => EdgeRssMiB + SiloRssMiB;

    public double? RelayHeapMiB => EdgeHeapMiB + SiloHeapMiB ?? EdgeHeapMiB ?? SiloHeapMiB;
}
