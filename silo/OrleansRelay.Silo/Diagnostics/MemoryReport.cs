using System.Text.Json.Serialization;

namespace OrleansRelay.Silo.Diagnostics;

/// <summary>
/// A relay process's memory right after a full, compacting, blocking GC (<see cref="MemoryDiagnostics.Collect"/>):
/// what the live objects take (<see cref="HeapBytes"/>) beside what the operating system sees (<see cref="RssBytes"/>).
/// </summary>
/// <param name="RssBeforeBytes">Resident set size before the collection.</param>
/// <param name="RssBytes">Resident set size after it.</param>
/// <param name="HeapBytes">Managed heap after the collection (live objects plus fragmentation).</param>
/// <param name="FragmentedBytes">Free space inside the heap after the collection.</param>
/// <param name="CommittedBytes">Memory the GC has committed from the operating system.</param>
/// <param name="TotalMemoryBytes"><see cref="GC.GetTotalMemory(bool)"/> after the collection: bytes thought allocated.</param>
/// <param name="Generations">Size after the collection of gen0, gen1, gen2, the large and the pinned object heap.</param>
/// <param name="ServerGc">Whether the process runs server GC.</param>
/// <param name="HeapCount">GC heaps (1 with workstation GC; with DATAS, the count it settled on).</param>
/// <param name="GcSettings">The GC's own configuration (<see cref="GC.GetConfigurationVariables"/>).</param>
/// <param name="Threads">Operating-system threads of the process (each has a stack in RSS).</param>
/// <param name="ThreadPoolThreads">Thread-pool threads.</param>
public sealed record MemoryReport(
    [property: JsonPropertyName("rssBeforeBytes")] long RssBeforeBytes,
    [property: JsonPropertyName("rssBytes")] long RssBytes,
    [property: JsonPropertyName("heapBytes")] long HeapBytes,
    [property: JsonPropertyName("fragmentedBytes")] long FragmentedBytes,
    [property: JsonPropertyName("committedBytes")] long CommittedBytes,
    [property: JsonPropertyName("totalMemoryBytes")] long TotalMemoryBytes,
    [property: JsonPropertyName("generations")] IReadOnlyList<long> Generations,
    [property: JsonPropertyName("serverGc")] bool ServerGc,
    [property: JsonPropertyName("heapCount")] int HeapCount,
    [property: JsonPropertyName("gcSettings")] IReadOnlyDictionary<string, string> GcSettings,
    [property: JsonPropertyName("threads")] int Threads,
    [property: JsonPropertyName("threadPoolThreads")] int ThreadPoolThreads);
