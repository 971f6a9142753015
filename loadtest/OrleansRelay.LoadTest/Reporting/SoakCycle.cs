namespace OrleansRelay.LoadTest.Reporting;

/// <summary>One churn cycle: connect, relay a little, disconnect; then the relay's memory (RSS, and heap after a full GC where measured).</summary>
internal sealed record SoakCycle(
    int Cycle,
    int Devices,
    double ConnectSeconds,
    long Requests,
    long Errors,
    double EdgeRssMiB,
    double SiloRssMiB,
    double? EdgeHeapMiB = null,
    double? SiloHeapMiB = null);
