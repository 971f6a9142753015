using OrleansRelay.LoadTest.Clients;
using OrleansRelay.LoadTest.Measurement;
using OrleansRelay.LoadTest.Reporting;

namespace OrleansRelay.LoadTest.Scenarios;

/// <summary>
/// <c>soak</c>: churn. Each cycle connects the devices, relays one request to each (GET or POST per the mix), and
/// disconnects them all; the relay's RSS after each cycle should stay flat.
/// </summary>
internal sealed class SoakScenario : ILoadScenario
{
    /// <summary>Issue 15: RSS growth from cycle 10 to cycle 100 below 5 %.</summary>
    private const double FlatTolerance = 0.05;

    private const int BaselineCycle = 10;

    private const int HeapEvery = 10;

    public string Name => "soak";

    public string Description => "Connect/disconnect churn cycles with a request per device; relay RSS after each cycle.";

    public async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var count = Math.Min(options.CycleDevices, options.Devices);
        var devices = await context.DevicesAsync(count, cancellationToken);
        var mix = options.Mix with { GetRatio = Math.Min(options.Mix.GetRatio, 0.8) };
        for (var cycle = 1; cycle <= options.Cycles; cycle++)
        {
            var (fleet, seconds, _) = await context.ConnectAsync(devices, $"cycle {cycle}", TimeSpan.FromSeconds(60 + (count / 100)), cancellationToken);
            var recorder = new LatencyRecorder();
            try
            {
                context.Monitor.Attach(recorder);
                var requests = new RequestMix(ScenarioContext.OnlineIds(fleet), context.Relay.Edges.Count, mix);
                var driver = new LoadDriver(context.Client);
                await driver.RunOpenAsync(requests, Math.Max(100, count), TimeSpan.FromSeconds(1), recorder, cancellationToken);
            }
            finally
            {
                context.Monitor.Attach(null);
                await context.DisconnectAsync(fleet);
            }

            // RSS as the cycle left it; the heap after a full GC only every HeapEvery cycles (and the baseline and last),
            // since a forced full GC itself changes what RSS the next cycles show.
            var probeHeap = cycle % HeapEvery == 0 || cycle == BaselineCycle || cycle == options.Cycles;
            var memory = probeHeap ? await context.Memory.MeasureAsync(cancellationToken) : context.Memory.RssOnly();
            var total = recorder.Total();
            context.Result.Soak.Add(new SoakCycle(cycle, count, Math.Round(seconds, 2), total.TotalCount, recorder.Errors.Values.Sum(), memory.EdgeRssMiB, memory.SiloRssMiB, memory.EdgeHeapMiB, memory.SiloHeapMiB));
            context.View.Line($"soak cycle {cycle}/{options.Cycles}: {count} devices online in {seconds:0.00} s, {total.TotalCount} requests, relay RSS edge {memory.EdgeRssMiB:0.0} MiB silo {memory.SiloRssMiB:0.0} MiB"
                + (memory.RelayHeapMiB is { } heap ? $", heap after full GC edge {memory.EdgeHeapMiB:0.0} MiB silo {memory.SiloHeapMiB:0.0} MiB" : string.Empty));
        }

        var cycles = context.Result.Soak;
        var baseline = cycles[Math.Min(cycles.Count, BaselineCycle) - 1];
        var last = cycles[^1];
        var baseRss = baseline.EdgeRssMiB + baseline.SiloRssMiB;
        var growth = last.EdgeRssMiB + last.SiloRssMiB - baseRss;
        var share = baseRss > 0 ? growth / baseRss : 0;
        var heapGrowth = last.EdgeHeapMiB + last.SiloHeapMiB - (baseline.EdgeHeapMiB + baseline.SiloHeapMiB);
        context.Result.Targets.Add(new TargetCheck(
            "soak memory",
            $"100 churn cycles of 1,000 devices: edge + silo RSS growth < {FlatTolerance:P0} from cycle {BaselineCycle} to 100",
            $"{cycles.Count} cycles of {count:N0}: relay RSS {growth:+0.0;-0.0} MiB ({share:+0.0%;-0.0%}) from cycle {baseline.Cycle} to {last.Cycle} "
                + $"(edge {last.EdgeRssMiB - baseline.EdgeRssMiB:+0.0;-0.0}, silo {last.SiloRssMiB - baseline.SiloRssMiB:+0.0;-0.0}); "
                + (heapGrowth is { } h ? $"heap after full GC {h:+0.0;-0.0} MiB" : "heap not measured"),
            cycles.Count >= 100 && count >= 1000 && share < FlatTolerance));
    }
}
