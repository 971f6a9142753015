using System.Net.Http.Json;
using System.Text.Json;

namespace OrleansRelay.LoadTest.Measurement;

/// <summary>
/// Reads the relay's memory: RSS of every monitored process from /proc, then each process's memory probe (a full GC
/// there, then its heap). A probe that does not answer (a relay without it, a silo the load test cannot reach) leaves
/// that role's heap unmeasured; RSS is still read.
/// </summary>
internal sealed class MemoryProbe : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly RunMonitor _monitor;
    private readonly IReadOnlyList<MemoryEndpoint> _endpoints;
    private readonly HttpClient _http;

    public MemoryProbe(RunMonitor monitor, IReadOnlyList<MemoryEndpoint> endpoints, string adminKey)
    {
        _monitor = monitor;
        _endpoints = endpoints;
        _http = new HttpClient { Timeout = Timeout };
        _http.DefaultRequestHeaders.Add("X-Admin-Key", adminKey);
    }

    /// <summary>Notes of probes that failed (once each), for the report.</summary>
    public HashSet<string> Failures { get; } = new(StringComparer.Ordinal);

    /// <summary>RSS only, as sampled from /proc (no GC).</summary>
    public RelayMemory RssOnly()
    {
        var (edgeRss, siloRss) = _monitor.RelayRssMiB();
        return new RelayMemory { EdgeRssMiB = edgeRss, SiloRssMiB = siloRss };
    }

    /// <summary>RSS first (as the process stands), then the probes (which collect garbage).</summary>
    public async Task<RelayMemory> MeasureAsync(CancellationToken cancellationToken)
    {
        var (edgeRss, siloRss) = _monitor.RelayRssMiB();
        var answers = await Task.WhenAll(_endpoints.Select(e => ProbeAsync(e, cancellationToken)));
        var edges = answers.Where(a => a.Endpoint.Role == ProcessRole.Edge && a.Memory is not null).Select(a => a.Memory!).ToArray();
        var silos = answers.Where(a => a.Endpoint.Role == ProcessRole.Silo && a.Memory is not null).Select(a => a.Memory!).ToArray();
        var modes = answers.Where(a => a.Memory is not null).Select(a => $"{a.Endpoint.Name}: {a.Memory!.GcMode}").Distinct().ToArray();
        return new RelayMemory
        {
            EdgeRssMiB = edgeRss,
            SiloRssMiB = siloRss,
            EdgeHeapMiB = Sum(edges, m => m.HeapBytes),
            SiloHeapMiB = Sum(silos, m => m.HeapBytes),
            EdgeRssAfterGcMiB = Sum(edges, m => m.RssBytes),
            SiloRssAfterGcMiB = Sum(silos, m => m.RssBytes),
            EdgeThreads = edges.Sum(m => m.Threads),
            SiloThreads = silos.Sum(m => m.Threads),
            GcModes = modes.Length == 0 ? null : string.Join("; ", modes),
        };
    }

    private async Task<(MemoryEndpoint Endpoint, ProcessMemory? Memory)> ProbeAsync(MemoryEndpoint endpoint, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.PostAsync(endpoint.Url, content: null, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                Failures.Add($"{endpoint.Name} memory probe {endpoint.Url}: HTTP {(int)response.StatusCode}");
                return (endpoint, null);
            }

            return (endpoint, await response.Content.ReadFromJsonAsync(MeasurementJsonContext.Default.ProcessMemory, cancellationToken));
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Failures.Add($"{endpoint.Name} memory probe {endpoint.Url}: {ex.GetType().Name}");
            return (endpoint, null);
        }
    }

    private static double? Sum(ProcessMemory[] processes, Func<ProcessMemory, long> bytes) =>
        processes.Length == 0 ? null : Math.Round(processes.Sum(bytes) / 1048576.0, 1);

    public void Dispose() => _http.Dispose();
}
