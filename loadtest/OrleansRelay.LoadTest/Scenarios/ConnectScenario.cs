using OrleansRelay.LoadTest.Reporting;

namespace OrleansRelay.LoadTest.Scenarios;

/// <summary><c>connect</c>: every device connects at once (a storm); time to all online, failures, RSS per device.</summary>
internal sealed class ConnectScenario : ILoadScenario
{
    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(3);

    /// <summary>Issue 15: edge + silo RSS per connected idle device at 10,000 devices.</summary>
    private const double TargetKiBPerDevice = 8;

    public string Name => "connect";

    private static string Format(double? kib) => kib is { } value ? $"{value:0.0} KiB" : "not measured";

    public string Description => "Connect storm: all devices at once; time until all are online, zero failures, relay RSS per connected device.";

    public async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var beforeProvisioning = context.Monitor.RelayRssMiB();
        var devices = await context.DevicesAsync(context.Options.Devices, cancellationToken);
        if (context.Options.IdleWait > TimeSpan.Zero)
        {
            // The same quiet time before the storm as after it: provisioning's garbage is trimmed as the storm's is,
            // so the idle growth compares like with like.
            context.Monitor.Phase = "idle before";
            context.View.Line($"connect: {devices.Length} devices provisioned; waiting {context.Options.IdleWait.TotalSeconds:0} s with nothing sent before reading the memory before the storm");
            await Task.Delay(context.Options.IdleWait, cancellationToken);
        }

        var before = await context.Memory.MeasureAsync(cancellationToken);
        var timeout = TimeSpan.FromSeconds(60 + (devices.Length / 100));
        var (fleet, seconds, allOnline) = await context.ConnectAsync(devices, "connect", timeout, cancellationToken);
        try
        {
            // Let the relay finish registering sessions before reading its memory.
            context.Monitor.Phase = "connected";
            await Task.Delay(SettleTime, cancellationToken);
            var after = await context.Memory.MeasureAsync(cancellationToken);
            (double Edge, double Silo)? idle = null;
            if (context.Options.IdleWait > TimeSpan.Zero)
            {
                context.Monitor.Phase = "idle";
                context.View.Line($"connect: {fleet.Online} devices connected; waiting {context.Options.IdleWait.TotalSeconds:0} s with nothing sent before reading the idle RSS");
                await Task.Delay(context.Options.IdleWait, cancellationToken);
                idle = context.Monitor.RelayRssMiB();
            }

            var result = new ConnectResult
            {
                Devices = devices.Length,
                Connected = fleet.Online,
                Seconds = Math.Round(seconds, 2),
                RejectedUnavailable = fleet.RejectedUnavailable,
                Failures = new Dictionary<string, long>(fleet.Failures),
                GaveUp = fleet.GaveUp,
                ConnectTime = LatencySummary.FromMicroseconds(fleet.ConnectMicroseconds),
                RelayRssBeforeProvisioningMiB = beforeProvisioning.Edge + beforeProvisioning.Silo,
                Before = before,
                After = after,
                LoadGeneratorRssMiB = Math.Round(Environment.WorkingSet / 1048576.0, 1),
                IdleWaitSeconds = idle is null ? null : context.Options.IdleWait.TotalSeconds,
                EdgeRssIdleMiB = idle?.Edge,
                SiloRssIdleMiB = idle?.Silo,
            };
            context.Result.Connect = result;
            context.Result.Notes.Add(
                $"Provisioning (not part of the storm) activated the devices' grains: relay RSS {result.RelayRssBeforeProvisioningMiB:0.0} MiB before it, {result.RelayRssBeforeMiB:0.0} MiB after; " +
                $"growth per device including provisioning {(result.RelayRssAfterMiB - result.RelayRssBeforeProvisioningMiB) * 1024 / Math.Max(1, result.Connected):0.0} KiB.");
            if (!allOnline)
            {
                context.Result.Notes.Add($"Only {fleet.Online} of {devices.Length} devices were online after {timeout.TotalSeconds:0} s.");
            }

            context.Result.Targets.Add(new TargetCheck(
                "connect storm",
                "10,000 devices online in ≤ 20 s, zero failures",
                $"{result.Connected:N0} of {result.Devices:N0} in {result.Seconds:0.0} s, {result.FailureCount} failures, {result.GaveUp} gave up",
                result.Devices >= 10_000 && result.Connected == result.Devices && result.Seconds <= 20 && result.FailureCount == 0 && result.GaveUp == 0));
            // Idle: after the idle wait when it ran (the storm's garbage is then no longer what RSS measures), else 3 s after.
            var idlePerDevice = result.RelayRssIdleGrowthKiBPerDevice ?? result.RelayRssGrowthKiBPerDevice;
            context.Result.Targets.Add(new TargetCheck(
                "memory per device",
                $"edge + silo RSS growth ≤ {TargetKiBPerDevice} KiB per connected idle device",
                result.RelayRssIdleGrowthKiBPerDevice is { } idleKiB
                    ? $"{idleKiB:0.0} KiB idle after {result.IdleWaitSeconds:0} s (edge {result.EdgeRssIdleGrowthKiBPerDevice:0.0}, silo {result.SiloRssIdleGrowthKiBPerDevice:0.0}; {result.RelayRssIdleGrowthFromEmptyKiBPerDevice:0.0} KiB from the relay before provisioning); {result.RelayRssGrowthKiBPerDevice:0.0} KiB 3 s after the storm; managed heap after a full GC {Format(result.RelayHeapGrowthKiBPerDevice)}"
                    : $"{result.RelayRssGrowthKiBPerDevice:0.0} KiB (edge {result.EdgeRssGrowthKiBPerDevice:0.0}, silo {result.SiloRssGrowthKiBPerDevice:0.0}); managed heap after a full GC {Format(result.RelayHeapGrowthKiBPerDevice)}",
                result.Devices >= 10_000 && idlePerDevice <= TargetKiBPerDevice));
            context.View.Line($"connect: {result.Connected}/{result.Devices} online in {result.Seconds:0.00} s; relay RSS idle {(result.RelayRssIdleGrowthKiBPerDevice is { } idleGrowth ? $"{idleGrowth:0.0} KiB per device (edge {result.EdgeRssIdleGrowthKiBPerDevice:0.0}, silo {result.SiloRssIdleGrowthKiBPerDevice:0.0})" : "not measured")}; 3 s after the storm {result.RelayRssGrowthKiBPerDevice:0.0} KiB per device (edge {result.EdgeRssGrowthKiBPerDevice:0.0}, silo {result.SiloRssGrowthKiBPerDevice:0.0}); heap after full GC {Format(result.RelayHeapGrowthKiBPerDevice)} (edge {Format(result.EdgeHeapGrowthKiBPerDevice)}, silo {Format(result.SiloHeapGrowthKiBPerDevice)})");
            if (context.Options.Hold > TimeSpan.Zero)
            {
                context.Monitor.Phase = "hold";
                context.View.Line($"connect: holding {fleet.Online} devices for {context.Options.Hold.TotalSeconds:0} s; processes: {string.Join(", ", context.Monitor.Processes.Select(p => $"{p.Name} pid {p.Pid}"))}");
                await Task.Delay(context.Options.Hold, cancellationToken);
            }
        }
        finally
        {
            await context.DisconnectAsync(fleet);
        }
    }
}
