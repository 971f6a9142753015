using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OrleansRelay.LoadTest.Reporting;

/// <summary>Writes a run's folder: <c>results.json</c>, <c>report.md</c> and the charts.</summary>
internal static class ReportWriter
{
    public const string JsonFile = "results.json";
    public const string MarkdownFile = "report.md";

    public static void Write(RunResult result, string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, JsonFile), JsonSerializer.Serialize(result, ReportJsonContext.Default.RunResult));
        var charts = ChartWriter.Write(result, folder);
        File.WriteAllText(Path.Combine(folder, MarkdownFile), Markdown(result, charts));
    }

    public static string Markdown(RunResult result, IReadOnlyList<string> charts)
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# Load test `{result.Scenario}`: {result.StartedAt:yyyy-MM-dd HH:mm} UTC\n\n");
        md.Append(CultureInfo.InvariantCulture, $"{result.Machine}. {result.Deployment}. {result.Devices:N0} simulated devices in the load generator's process.\n");
        md.Append(string.Join(", ", result.Settings.Select(s => $"{s.Key} {s.Value}"))).Append(".\n\n");
        if (result.Targets.Count > 0)
        {
            md.Append("## Targets\n\n| target | goal | measured | met |\n|---|---|---|---|\n");
            foreach (var t in result.Targets)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {t.Name} | {t.Target} | {t.Measured} | {(t.Met ? "yes" : "**no**")} |\n");
            }

            md.Append('\n');
        }

        if (result.Connect is { } c)
        {
            md.Append("## Connect storm\n\n| devices | online | seconds | unavailable (retried) | failures | gave up | connect p50 ms | p99 ms | max ms | relay RSS before → after MiB | KiB per device | load generator RSS MiB |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            md.Append(CultureInfo.InvariantCulture, $"| {c.Devices:N0} | {c.Connected:N0} | {c.Seconds:0.00} | {c.RejectedUnavailable:N0} | {c.FailureCount:N0} | {c.GaveUp} | {c.ConnectTime.P50Ms:0.0} | {c.ConnectTime.P99Ms:0.0} | {c.ConnectTime.MaxMs:0.0} | {c.RelayRssBeforeMiB:0.0} → {c.RelayRssAfterMiB:0.0} | {c.RelayRssGrowthKiBPerDevice:0.0} | {c.LoadGeneratorRssMiB:0} |\n\n");
            AppendCounts(md, "Connect failures", c.Failures);
            AppendConnectMemory(md, c);
        }

        if (result.Phases.Count > 0)
        {
            md.Append("## Load phases (warm-up excluded)\n\n| phase | requests/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | requests | errors | edge µs/req | silo µs/req | relay µs/req | load gen. CPU % | other processes CPU % | machine busy % | load gen. saturated |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            foreach (var p in result.Phases)
            {
                var l = p.Latency;
                md.Append(CultureInfo.InvariantCulture, $"| {p.Name} | {p.RequestsPerSecond:N0} | {l.P50Ms:0.00} | {l.P90Ms:0.00} | {l.P99Ms:0.00} | {l.P999Ms:0.00} | {l.MaxMs:0.00} | {p.Requests:N0} | {p.ErrorCount:N0} | {p.EdgeCpuMicrosPerRequest:0.0} | {p.SiloCpuMicrosPerRequest:0.0} | {p.RelayCpuMicrosPerRequest:0.0} | {p.LoadGeneratorCpuPercent:0} | {p.OtherProcessesCpuPercent:0} | {p.MachineBusyPercent:0}{(p.MachineSaturated ? " (saturated)" : string.Empty)} | {(p.LoadGeneratorSaturated ? "**yes**" : "no")} |\n");
            }

            md.Append('\n');
            foreach (var p in result.Phases.Where(p => p.ErrorCount > 0))
            {
                AppendCounts(md, $"Errors in \"{p.Name}\"", p.Errors);
            }

            md.Append("CPU columns: µs of CPU time per request of the edge and silo processes (from /proc); load generator and other processes as percent of all cores.\n\n");
            if (result.Phases.Any(p => p.MachineSaturated))
            {
                md.Append("**The machine was saturated** (≥ 95 % of all cores busy) in the phases marked so: relay, load generator and any other processes competed for CPU, so throughput is a floor and latency includes CPU queueing.\n\n");
            }

            foreach (var p in result.Phases.Where(p => p.LoadGeneratorSaturated))
            {
                md.Append(CultureInfo.InvariantCulture, $"**The load generator was saturated in \"{p.Name}\"**: {p.LateDispatchShare:P1} of requests started > 5 ms late (worst {p.MaxDispatchLagMs:0.0} ms), thread-pool backlog {p.GeneratorThreadPoolBacklog:0.0}. Latencies still count from the schedule.\n\n");
            }
        }

        if (result.Recovery is { } r)
        {
            md.Append("## Recovery\n\n| action | devices on stopped edge | back online | gave up | median s | all back s | survivor /healthz ok | relayed after | relay failures after |\n|---|---|---|---|---|---|---|---|---|\n");
            md.Append(CultureInfo.InvariantCulture, $"| {r.Action} | {r.DevicesOnStoppedEdge:N0} | {r.Recovered:N0} | {r.GaveUp} | {r.MedianBackSeconds:0.00} | {r.AllBackSeconds:0.00} | {r.SurvivorHealthChecks - r.SurvivorHealthFailures}/{r.SurvivorHealthChecks} | {r.RelayedAfterRecovery} | {r.RelayFailuresAfterRecovery} |\n\n");
        }

        if (result.Notify is { } n)
        {
            var l = n.Latency;
            md.Append("## Notifications\n\n| subscribers SSE + SignalR | sent | sent/s | acknowledged | resent | deliveries expected | delivered | delivered/s | lost | duplicated | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | drain s | edge µs/notif. | silo µs/notif. | load gen. CPU % | other processes CPU % | machine busy % |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            md.Append(CultureInfo.InvariantCulture, $"| {n.SseSubscribers:N0} + {n.SignalRSubscribers:N0} | {n.Sent:N0} | {n.SentPerSecond:N0} | {n.Acknowledged:N0} | {n.Resent:N0} | {n.Expected:N0} | {n.Delivered:N0} | {n.DeliveredPerSecond:N0} | {n.Lost:N0} | {n.Duplicated:N0} | {l.P50Ms:0.00} | {l.P90Ms:0.00} | {l.P99Ms:0.00} | {l.P999Ms:0.00} | {l.MaxMs:0.00} | {n.DrainSeconds:0.0} | {n.EdgeCpuMicrosPerNotification:0.0} | {n.SiloCpuMicrosPerNotification:0.0} | {n.LoadGeneratorCpuPercent:0} | {n.OtherProcessesCpuPercent:0} | {n.MachineBusyPercent:0}{(n.MachineBusyPercent >= 95 ? " (saturated)" : string.Empty)} |\n\n");
            md.Append(CultureInfo.InvariantCulture, $"Each subscriber watches one device and expects every notification that device sent; notifications go to random devices of all online, so *deliveries expected* counts those of watched devices. Latency is device → subscriber from the notification's scheduled send time (open model), send phase and drain. Subscribers with loss: {n.SubscribersWithLoss}, with duplicates: {n.SubscribersWithDuplicates}; event streams reopened: {n.StreamRestarts}; devices offline at the end of the drain: {n.DevicesOfflineAtEnd}. CPU per notification counts send and drain. In the charts, *requests* are deliveries.\n\n");
            if (n.LateDispatchShare > 0.01)
            {
                md.Append(CultureInfo.InvariantCulture, $"**The load generator was late** scheduling {n.LateDispatchShare:P1} of notifications by > 5 ms; latencies still count from the schedule.\n\n");
            }
        }

        if (result.Soak.Count > 0)
        {
            md.Append("## Soak cycles\n\n| cycle | devices | connect s | requests | errors | edge RSS MiB | silo RSS MiB | edge heap MiB | silo heap MiB |\n|---|---|---|---|---|---|---|---|---|\n");
            foreach (var s in result.Soak)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {s.Cycle} | {s.Devices:N0} | {s.ConnectSeconds:0.00} | {s.Requests:N0} | {s.Errors} | {s.EdgeRssMiB:0.0} | {s.SiloRssMiB:0.0} | {MiB(s.EdgeHeapMiB)} | {MiB(s.SiloHeapMiB)} |\n");
            }

            md.Append("\nRSS is read after the cycle's devices left; the heap (managed heap after a full blocking GC, from each process's memory probe) every 10th cycle only, since a forced GC changes the RSS of the cycles after it.\n\n");
        }

        foreach (var note in result.Notes)
        {
            md.Append("* ").Append(note).Append('\n');
        }

        if (result.Notes.Count > 0)
        {
            md.Append('\n');
        }

        if (charts.Count > 0)
        {
            md.Append("## Charts\n\n");
            foreach (var chart in charts)
            {
                md.Append(CultureInfo.InvariantCulture, $"![{Path.GetFileNameWithoutExtension(chart)}]({chart})\n\n");
            }
        }

        md.Append("Per-second timeline (requests, latency, devices online, CPU and RSS of every process): `results.json`.\n");
        return md.ToString();
    }

    /// <summary>The storm's memory by process: RSS as sampled, and heap and RSS after a full GC (memory probe).</summary>
    private static void AppendConnectMemory(StringBuilder md, ConnectResult c)
    {
        md.Append("### Memory per connected device\n\n| process | RSS before → after MiB | RSS KiB per device | heap after full GC before → after MiB | heap KiB per device | RSS after full GC MiB | threads |\n|---|---|---|---|---|---|---|\n");
        var (b, a) = (c.Before, c.After);
        md.Append(CultureInfo.InvariantCulture, $"| edge | {b.EdgeRssMiB:0.0} → {a.EdgeRssMiB:0.0} | {c.EdgeRssGrowthKiBPerDevice:0.0} | {MiB(b.EdgeHeapMiB)} → {MiB(a.EdgeHeapMiB)} | {KiB(c.EdgeHeapGrowthKiBPerDevice)} | {MiB(a.EdgeRssAfterGcMiB)} | {a.EdgeThreads} |\n");
        md.Append(CultureInfo.InvariantCulture, $"| silo | {b.SiloRssMiB:0.0} → {a.SiloRssMiB:0.0} | {c.SiloRssGrowthKiBPerDevice:0.0} | {MiB(b.SiloHeapMiB)} → {MiB(a.SiloHeapMiB)} | {KiB(c.SiloHeapGrowthKiBPerDevice)} | {MiB(a.SiloRssAfterGcMiB)} | {a.SiloThreads} |\n");
        md.Append(CultureInfo.InvariantCulture, $"| **relay** | {b.RelayRssMiB:0.0} → {a.RelayRssMiB:0.0} | **{c.RelayRssGrowthKiBPerDevice:0.0}** | {MiB(b.RelayHeapMiB)} → {MiB(a.RelayHeapMiB)} | **{KiB(c.RelayHeapGrowthKiBPerDevice)}** | {MiB(a.EdgeRssAfterGcMiB + a.SiloRssAfterGcMiB)} | |\n\n");
        if (c.EdgeRssIdleMiB is { } edgeIdle && c.SiloRssIdleMiB is { } siloIdle)
        {
            md.Append(CultureInfo.InvariantCulture, $"**Idle**, after {c.IdleWaitSeconds:0} s connected with nothing sent (the relay's idle memory trim, `Memory:IdleTrim`, had its chance; before the storm the same wait): edge {b.EdgeRssMiB:0.0} → {edgeIdle:0.0} MiB ({c.EdgeRssIdleGrowthKiBPerDevice:0.0} KiB per device), silo {b.SiloRssMiB:0.0} → {siloIdle:0.0} MiB ({c.SiloRssIdleGrowthKiBPerDevice:0.0} KiB), relay **{c.RelayRssIdleGrowthKiBPerDevice:0.0} KiB per device**; from the relay before provisioning ({c.RelayRssBeforeProvisioningMiB:0.0} MiB) {c.RelayRssIdleGrowthFromEmptyKiBPerDevice:0.0} KiB per device.\n\n");
        }

        md.Append("RSS before is read just before the storm (devices provisioned), after it 3 s after the last device was accepted, each before the memory probe's full GC; heap is the managed heap after that GC. ");
        if (a.GcModes is { } modes)
        {
            md.Append("GC: ").Append(modes).Append('.');
        }

        md.Append("\n\n");
    }

    private static string MiB(double? value) => value is { } v ? v.ToString("0.0", CultureInfo.InvariantCulture) : "–";

    private static string KiB(double? value) => value is { } v ? v.ToString("0.0", CultureInfo.InvariantCulture) : "–";

    private static void AppendCounts(StringBuilder md, string title, IReadOnlyDictionary<string, long> counts)
    {
        if (counts.Count == 0)
        {
            return;
        }

        md.Append(title).Append(": ").Append(string.Join(", ", counts.OrderByDescending(c => c.Value).Select(c => $"{c.Key} {c.Value:N0}"))).Append(".\n\n");
    }
}
