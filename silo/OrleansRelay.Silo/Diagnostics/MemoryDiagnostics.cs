using System.Diagnostics;
using System.Globalization;
using System.Runtime;

namespace OrleansRelay.Silo.Diagnostics;

/// <summary>
/// The operator's memory probe behind <c>POST /v1/admin/diagnostics/memory</c> (edge) and
/// <c>POST /diagnostics/memory</c> (silo host): a full blocking GC, then the heap and the process's RSS. The load test
/// calls it to report the managed heap per connected device beside RSS. It pauses the process for the length of a
/// full GC, so it is for operators and load tests, never for a scraper's schedule.
/// </summary>
public static class MemoryDiagnostics
{
    /// <summary>Collects everything collectable (twice, so objects freed by finalizers go too) and reports.</summary>
    public static MemoryReport Collect()
    {
        var rssBefore = Environment.WorkingSet;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        var info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        var settings = GC.GetConfigurationVariables()
            .ToDictionary(s => s.Key, s => Convert.ToString(s.Value, CultureInfo.InvariantCulture) ?? string.Empty, StringComparer.Ordinal);
        using var process = Process.GetCurrentProcess();
        return new MemoryReport(
            rssBefore,
            Environment.WorkingSet,
            info.HeapSizeBytes,
            info.FragmentedBytes,
            info.TotalCommittedBytes,
            GC.GetTotalMemory(forceFullCollection: false),
            [.. info.GenerationInfo.ToArray().Select(g => g.SizeAfterBytes)],
            GCSettings.IsServerGC,
            settings.TryGetValue("HeapCount", out var heaps) && int.TryParse(heaps, CultureInfo.InvariantCulture, out var count) ? count : 1,
            settings,
            process.Threads.Count,
            ThreadPool.ThreadCount);
    }
}
