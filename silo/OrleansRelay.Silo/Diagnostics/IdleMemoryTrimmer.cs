using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansRelay.Silo.Diagnostics;

/// <summary>
/// Gives memory a burst left committed back to the operating system once the host is quiet: a blocking, compacting,
/// aggressive full collection (<see cref="GCCollectionMode.Aggressive"/>, which decommits every free region) when
/// <see cref="IdleMemoryTrimPolicy"/> says so. The pause is that of one full collection (tens of milliseconds for a
/// few hundred MiB), taken only while the process allocates almost nothing, i.e. while it serves almost nothing.
/// </summary>
public sealed partial class IdleMemoryTrimmer(IOptions<IdleMemoryTrimOptions> options, TimeProvider time, IMeterFactory meters, ILogger<IdleMemoryTrimmer> logger) : BackgroundService
{
    /// <summary>The meter of <c>orleansrelay.memory.idle_trims</c> and <c>orleansrelay.memory.idle_trim.released</c>.</summary>
    public const string MeterName = "OrleansRelay.Memory";

    /// <summary>1 while a trimmer of this process runs: the GC is the process's, so one is enough however many hosts it holds.</summary>
    private static int s_running;

    private readonly Counter<long> _trims = meters.Create(MeterName).CreateCounter<long>("orleansrelay.memory.idle_trims", description: "Idle memory trims (full aggressive collections after a quiet period)");
    private readonly Counter<long> _released = meters.Create(MeterName).CreateCounter<long>("orleansrelay.memory.idle_trim.released", unit: "By", description: "GC-committed bytes the idle trims gave back");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled || Interlocked.CompareExchange(ref s_running, 1, 0) != 0)
        {
            return;
        }

        try
        {
            await RunAsync(settings, stoppingToken);
        }
        finally
        {
            Volatile.Write(ref s_running, 0);
        }
    }

    private async Task RunAsync(IdleMemoryTrimOptions settings, CancellationToken stoppingToken)
    {
        var policy = new IdleMemoryTrimPolicy(settings);
        using var timer = new PeriodicTimer(settings.CheckInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var info = GC.GetGCMemoryInfo();
                var trim = policy.Observe(time.GetUtcNow(), GC.GetTotalAllocatedBytes(), info.TotalCommittedBytes, info.HeapSizeBytes);
                Log.Checked(logger, (policy.LastAllocatedBytes ?? 0) >> 10, info.TotalCommittedBytes >> 20, info.HeapSizeBytes >> 20);
                if (trim)
                {
                    Trim(info.TotalCommittedBytes);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Trim(long committedBefore)
    {
        var started = Stopwatch.GetTimestamp();
        var rssBefore = Environment.WorkingSet;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var after = GC.GetGCMemoryInfo();
        var released = Math.Max(0, committedBefore - after.TotalCommittedBytes);
        _trims.Add(1);
        _released.Add(released);
        Log.Trimmed(logger, committedBefore >> 20, after.TotalCommittedBytes >> 20, after.HeapSizeBytes >> 20, rssBefore >> 20, Environment.WorkingSet >> 20, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private static partial class Log
    {
        [LoggerMessage(4401, LogLevel.Debug, "Idle memory trim check: {AllocatedKiB} KiB allocated since the last check, GC committed {CommittedMiB} MiB, heap {HeapMiB} MiB")]
        public static partial void Checked(ILogger logger, long allocatedKiB, long committedMiB, long heapMiB);

        [LoggerMessage(4400, LogLevel.Information, "Idle memory trim: GC committed {CommittedBeforeMiB} -> {CommittedAfterMiB} MiB (heap {HeapMiB} MiB), RSS {RssBeforeMiB} -> {RssAfterMiB} MiB, in {PauseMs:0} ms")]
        public static partial void Trimmed(ILogger logger, long committedBeforeMiB, long committedAfterMiB, long heapMiB, long rssBeforeMiB, long rssAfterMiB, double pauseMs);
    }
}
