using OrleansRelay.LoadTest.Clients;
using OrleansRelay.LoadTest.Reporting;

namespace OrleansRelay.LoadTest.Scenarios;

/// <summary>
/// <c>cached</c>: GETs of a cacheable resource (the devices answer <c>max-age=60</c>) served from the relay's cache,
/// against the same load uncached (<c>Cache-Control: no-cache</c>, live resource) for the ratio; then the cached
/// load in the open model for latency.
/// </summary>
internal sealed class CachedScenario : ILoadScenario
{
    public string Name => "cached";

    public string Description => "Cached GETs (X-Cache: HIT) against the same load uncached; throughput ratio and CPU per request.";

    public async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var devices = await context.DevicesAsync(options.Devices, cancellationToken);
        var (fleet, _, _) = await context.ConnectAsync(devices, "connect", TimeSpan.FromSeconds(60 + (devices.Length / 100)), cancellationToken);
        try
        {
            var online = ScenarioContext.OnlineIds(fleet);
            var edges = context.Relay.Edges.Count;
            var cachedMix = new RequestMix(online, edges, options.Mix with { GetRatio = 1, CachedRatio = 1 });
            var uncachedMix = new RequestMix(online, edges, options.Mix with { GetRatio = 1, CachedRatio = 0 });
            await context.WarmUpAsync(cachedMix, cancellationToken);
            var cached = await context.MeasureAsync($"cached, closed {options.Concurrency} clients", cachedMix, options.Concurrency, null, options.Duration, cancellationToken);
            var uncached = await context.MeasureAsync($"uncached, closed {options.Concurrency} clients", uncachedMix, options.Concurrency, null, options.Duration, cancellationToken);
            await context.MeasureAsync($"cached, open {options.Rate:0}/s", cachedMix, null, options.Rate, options.Duration, cancellationToken);
            var ratio = uncached.RequestsPerSecond > 0 ? cached.RequestsPerSecond / uncached.RequestsPerSecond : 0;
            context.Result.Targets.Add(new TargetCheck("cache throughput", "≥ 3× the uncached throughput", $"{ratio:0.00}× ({cached.RequestsPerSecond:N0} vs {uncached.RequestsPerSecond:N0} requests/s)", ratio >= 3));
            context.Result.Targets.Add(new TargetCheck("cache CPU", "edge + silo ≤ 30 µs per cached request", $"{cached.RelayCpuMicrosPerRequest:0.0} µs", cached.RequestsPerSecond > 0 && cached.RelayCpuMicrosPerRequest <= 30));
            var hitRatio = cached.CacheHits + cached.CacheMisses == 0 ? 0 : 100.0 * cached.CacheHits / (cached.CacheHits + cached.CacheMisses);
            context.Result.Notes.Add($"Cached phase: {hitRatio:0.0} % of responses were X-Cache: HIT ({cached.CacheHits:N0} hits, {cached.CacheMisses:N0} misses).");
        }
        finally
        {
            await context.DisconnectAsync(fleet);
        }
    }
}
