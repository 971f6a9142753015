using System.Diagnostics;
using OrleansRelay.LoadTest.Clients;
using OrleansRelay.LoadTest.Devices;
using OrleansRelay.LoadTest.Reporting;

namespace OrleansRelay.LoadTest.Scenarios;

/// <summary>
/// <c>reconnect</c>: devices spread over two edges; one edge is killed (SIGKILL) or drained (SIGTERM) with all its
/// devices. Measures how long until every one of them is accepted again elsewhere, whether any gave up, whether the
/// surviving edges' <c>/healthz</c> answered throughout, and whether the moved devices relay afterwards. The stopped
/// edge is started again at the end so later scenarios have both.
/// </summary>
internal sealed class ReconnectScenario : ILoadScenario
{
    private const int StoppedEdge = 0;
    private const int RelayChecks = 200;
    private static readonly TimeSpan RecoveryLimit = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan HealthInterval = TimeSpan.FromMilliseconds(100);

    public string Name => "reconnect";

    public string Description => "Kill or drain one of two edges with all its devices; time until all are back online on the other, none gave up, survivor healthy.";

    public int EdgesNeeded => 2;

    public async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var relay = context.Relay;
        if (!relay.CanStopEdges || relay.Edges.Count < 2)
        {
            throw new InvalidOperationException("reconnect needs two edges the load test started itself (no --edge-url; it starts two).");
        }

        var devices = await context.DevicesAsync(context.Options.Devices, cancellationToken);
        var (fleet, _, _) = await context.ConnectAsync(devices, "connect", TimeSpan.FromSeconds(60 + (devices.Length / 100)), cancellationToken);
        try
        {
            var moving = fleet.Devices.Where(d => d.IsOnline && d.EdgeIndex == StoppedEdge).ToArray();
            using var healthStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var health = WatchSurvivorsAsync(context.Client, relay.Edges.Count, healthStop.Token);
            var action = context.Options.KillEdge ? "kill -9" : "drain (SIGTERM)";
            context.View.Line($"reconnect: {action} edge 1 with {moving.Length} devices");
            context.Monitor.Phase = "edge stopped";
            var stopped = Stopwatch.GetTimestamp();
            await relay.StopEdgeAsync(StoppedEdge, context.Options.KillEdge);
            context.Monitor.Phase = "recovering";
            await context.View.ProgressAsync("devices back online", () => moving.Count(d => IsBack(d, stopped)), moving.Length, WaitBackAsync(fleet, moving, stopped, cancellationToken));
            var backSeconds = moving.Where(d => IsBack(d, stopped)).Select(d => Stopwatch.GetElapsedTime(stopped, d.LastAcceptedTimestamp).TotalSeconds).Order().ToArray();
            await healthStop.CancelAsync();
            var (checks, healthFailures) = await health;
            context.Monitor.Phase = "after recovery";
            var relayFailures = await RelayToMovedAsync(context.Client, moving.Take(RelayChecks), cancellationToken);
            var recovery = new RecoveryResult
            {
                Action = action,
                DevicesOnStoppedEdge = moving.Length,
                Recovered = backSeconds.Length,
                GaveUp = fleet.GaveUp,
                AllBackSeconds = backSeconds.Length == 0 ? 0 : Math.Round(backSeconds[^1], 2),
                MedianBackSeconds = backSeconds.Length == 0 ? 0 : Math.Round(backSeconds[backSeconds.Length / 2], 2),
                SurvivorHealthChecks = checks,
                SurvivorHealthFailures = healthFailures,
                RelayedAfterRecovery = Math.Min(RelayChecks, moving.Length),
                RelayFailuresAfterRecovery = relayFailures,
            };
            context.Result.Recovery = recovery;
            context.Result.Targets.Add(new TargetCheck(
                "recovery",
                "all devices of the stopped edge back online ≤ 30 s, none gave up",
                $"{recovery.Recovered:N0} of {recovery.DevicesOnStoppedEdge:N0} back, last after {recovery.AllBackSeconds:0.0} s, {recovery.GaveUp} gave up",
                recovery.Recovered == recovery.DevicesOnStoppedEdge && recovery.AllBackSeconds <= 30 && recovery.GaveUp == 0));
            context.Result.Targets.Add(new TargetCheck(
                "survivor health",
                "the surviving edge's /healthz answers throughout",
                $"{recovery.SurvivorHealthChecks - recovery.SurvivorHealthFailures} of {recovery.SurvivorHealthChecks} checks answered",
                recovery.SurvivorHealthFailures == 0 && recovery.SurvivorHealthChecks > 0));
        }
        finally
        {
            await context.DisconnectAsync(fleet);
            context.Monitor.Phase = "restart edge";
            await relay.RestartEdgeAsync(StoppedEdge, cancellationToken);
        }
    }

    private static bool IsBack(SimulatedDevice device, long stopped) => device.IsOnline && device.LastAcceptedTimestamp > stopped;

    private static async Task<bool> WaitBackAsync(DeviceFleet fleet, SimulatedDevice[] moving, long stopped, CancellationToken cancellationToken)
    {
        while (moving.Any(d => !IsBack(d, stopped)))
        {
            if (Stopwatch.GetElapsedTime(stopped) > RecoveryLimit || fleet.GaveUp > 0 && moving.Count(d => !IsBack(d, stopped)) <= fleet.GaveUp)
            {
                return false;
            }

            await Task.Delay(20, cancellationToken);
        }

        return true;
    }

    private static async Task<(int Checks, int Failures)> WatchSurvivorsAsync(RelayClient client, int edges, CancellationToken cancellationToken)
    {
        var checks = 0;
        var failures = 0;
        using var timer = new PeriodicTimer(HealthInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                for (var edge = 0; edge < edges; edge++)
                {
                    if (edge == StoppedEdge)
                    {
                        continue;
                    }

                    checks++;
                    if (!await client.ProbeAsync(edge, "/healthz", cancellationToken))
                    {
                        failures++;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        return (checks, failures);
    }

    private static async Task<int> RelayToMovedAsync(RelayClient client, IEnumerable<SimulatedDevice> devices, CancellationToken cancellationToken)
    {
        var failures = 0;
        await Parallel.ForEachAsync(devices, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (device, token) =>
        {
            try
            {
                await client.SendAsync(new RelayCall(1, device.DeviceId, HttpMethod.Get, DeviceResource.Readings, true, null), token);
            }
            catch (RelayCallException)
            {
                Interlocked.Increment(ref failures);
            }
        });
        return failures;
    }
}
