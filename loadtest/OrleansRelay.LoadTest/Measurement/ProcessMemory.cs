using System.Text.Json.Serialization;

namespace OrleansRelay.LoadTest.Measurement;

/// <summary>
/// What a relay process's memory probe answered (the relay's <c>MemoryReport</c>): RSS before and after a full
/// blocking GC, the managed heap after it, and the GC mode it runs.
/// </summary>
internal sealed record ProcessMemory
{
    [JsonPropertyName("rssBeforeBytes")]
    public long RssBeforeBytes { get; init; }

    [JsonPropertyName("rssBytes")]
    public long RssBytes { get; init; }

    [JsonPropertyName("heapBytes")]
    public long HeapBytes { get; init; }

    [JsonPropertyName("fragmentedBytes")]
    public long FragmentedBytes { get; init; }

    [JsonPropertyName("committedBytes")]
    public long CommittedBytes { get; init; }

    [JsonPropertyName("generations")]
    public IReadOnlyList<long> Generations { get; init; } = [];

    [JsonPropertyName("serverGc")]
    public bool ServerGc { get; init; }

    [JsonPropertyName("heapCount")]
    public int HeapCount { get; init; }

    [JsonPropertyName("gcSettings")]
    public IReadOnlyDictionary<string, string> GcSettings { get; init; } = new Dictionary<string, string>();

    [JsonPropertyName("threads")]
    public int Threads { get; init; }

    public string GcMode => $"{(ServerGc ? "server" : "workstation")}, {HeapCount} heap(s)"
        + (GcSettings.TryGetValue("GCDynamicAdaptationMode", out var datas) && datas == "1" ? ", DATAS" : string.Empty)
        + (GcSettings.TryGetValue("GCGen0MaxBudget", out var budget) && long.TryParse(budget, out var bytes) && bytes > 0 ? $", gen0 budget ≤ {bytes / 1048576} MiB" : string.Empty)
        + (GcSettings.TryGetValue("GCConserveMem", out var conserve) && conserve is not ("0" or "") ? $", conserve {conserve}" : string.Empty);
}
