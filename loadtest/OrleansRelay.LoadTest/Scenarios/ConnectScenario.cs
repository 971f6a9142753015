using OrleansRelay.LoadTest.Reporting;

namespace OrleansRelay.LoadTest.Scenarios;

/// <summary><c>connect</c>: every device connects at once (a storm); time to all online, failures, RSS per device.</summary>
internal sealed class ConnectScenario : ILoadScenario
{
    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(3);

    public string Name => "connect";

    public string Description => "Connect storm: all devices at once; time until all are online, zero failures, relay RSS per connected device.";

    public async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var beforeProvisioning = context.Monitor.RelayRssMiB();
        var devices = await context.DevicesAsync(context.Options.Devices, cancellationToken);
        var before = context.Monitor.RelayRssMiB();
        var timeout = TimeSpan.FromSeconds(60 + (devices.Length / 100));
        var (fleet, seconds, allOnline) = await context.ConnectAsync(devices, "connect", timeout, cancellationToken);
        try
        {
            // Let the relay finish registering sessions before reading its memory.
            context.Monitor.Phase = "connected";
            await Task.Delay(SettleTime, cancellationToken);
            var after = context.Monitor.RelayRssMiB();
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
                RelayRssBeforeMiB = before.Edge + before.Silo,
                RelayRssAfterMiB = after.Edge + after.Silo,
                LoadGeneratorRssMiB = Math.Round(Environment.WorkingSet / 1048576.0, 1),
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
            context.Result.Targets.Add(new TargetCheck(
                "memory per device",
                "edge + silo RSS growth ≤ 20 KiB per connected device",
                $"{result.RelayRssGrowthKiBPerDevice:0.0} KiB",
                result.RelayRssGrowthKiBPerDevice <= 20));
            context.View.Line($"connect: {result.Connected}/{result.Devices} online in {result.Seconds:0.00} s; {result.RelayRssGrowthKiBPerDevice:0.0} KiB relay RSS per device");
        }
        finally
        {
            await context.DisconnectAsync(fleet);
        }
    }
}
