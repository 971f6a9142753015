using OrleansRelay.LoadTest.Clients;
using OrleansRelay.LoadTest.Reporting;

namespace OrleansRelay.LoadTest.Scenarios;

/// <summary>
/// <c>relay</c>: steady uncached load. Closed model (C concurrent clients) for throughput and CPU per request, then
/// open model (a fixed arrival rate) for latency without coordinated omission.
/// </summary>
internal sealed class RelayScenario : ILoadScenario
{
    public string Name => "relay";

    public string Description => "Steady relayed load: uncached GETs (and POSTs per --get-ratio); closed model for throughput, open model for latency.";

    public async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var devices = await context.DevicesAsync(options.Devices, cancellationToken);
        var (fleet, _, _) = await context.ConnectAsync(devices, "connect", TimeSpan.FromSeconds(60 + (devices.Length / 100)), cancellationToken);
        try
        {
            var mix = new RequestMix(ScenarioContext.OnlineIds(fleet), context.Relay.Edges.Count, options.Mix);
            await context.WarmUpAsync(mix, cancellationToken);
            var closed = await context.MeasureAsync($"closed {options.Concurrency} clients", mix, options.Concurrency, null, options.Duration, cancellationToken);
            var open = await context.MeasureAsync($"open {options.Rate:0}/s", mix, null, options.Rate, options.Duration, cancellationToken);
            context.Result.Targets.Add(new TargetCheck("relay throughput", "≥ 10,000 requests/s (1,000 devices, uncached 1 KB GETs, 64 clients)", $"{closed.RequestsPerSecond:N0} requests/s", closed.RequestsPerSecond >= 10_000));
            context.Result.Targets.Add(new TargetCheck("relay CPU", "edge + silo ≤ 100 µs per relayed request", $"{closed.RelayCpuMicrosPerRequest:0.0} µs", closed.RequestsPerSecond > 0 && closed.RelayCpuMicrosPerRequest <= 100));
            context.Result.Targets.Add(new TargetCheck("relay latency", "p99 ≤ 5 ms at 3,000 requests/s open model", $"p99 {open.Latency.P99Ms:0.00} ms at {open.RequestsPerSecond:N0}/s", open.TargetRate >= 3000 && open.Latency.P99Ms <= 5));
        }
        finally
        {
            await context.DisconnectAsync(fleet);
        }
    }
}
