namespace OrleansRelay.LoadTest.Reporting;

/// <summary>One second of the run: load, latency, devices online, and the relay's and load generator's CPU and memory.</summary>
internal sealed record TimelinePoint(
    double Seconds,
    string Phase,
    double RequestsPerSecond,
    double P50Ms,
    double P99Ms,
    double MaxMs,
    long Errors,
    long DevicesOnline,
    double EdgeRssMiB,
    double SiloRssMiB,
    double EdgeCpuPercent,
    double SiloCpuPercent,
    double LoadGeneratorCpuPercent,
    double MachineBusyPercent);
