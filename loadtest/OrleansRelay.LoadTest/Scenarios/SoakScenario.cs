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
    private const double FlatToleranceMiB = 10;

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

            var (edge, silo) = context.Monitor.RelayRssMiB();
            var total = recorder.Total();
            context.Result.Soak.Add(new SoakCycle(cycle, count, Math.Round(seconds, 2), total.TotalCount, recorder.Errors.Values.Sum(), edge, silo));
            context.View.Line($"soak cycle {cycle}/{options.Cycles}: {count} devices online in {seconds:0.00} s, {total.TotalCount} requests, relay RSS edge {edge:0.0} MiB silo {silo:0.0} MiB");
        }

        var cycles = context.Result.Soak;
        var baseline = cycles[Math.Min(cycles.Count - 1, cycles.Count / 10)];
        var last = cycles[^1];
        var growth = last.EdgeRssMiB + last.SiloRssMiB - (baseline.EdgeRssMiB + baseline.SiloRssMiB);
        context.Result.Targets.Add(new TargetCheck(
            "soak memory",
            "100 churn cycles of 1,000 devices leave edge and silo memory flat",
            $"{cycles.Count} cycles of {count:N0}: relay RSS {growth:+0.0;-0.0} MiB from cycle {baseline.Cycle} to {last.Cycle}",
            cycles.Count >= 100 && count >= 1000 && growth <= FlatToleranceMiB));
    }
}
