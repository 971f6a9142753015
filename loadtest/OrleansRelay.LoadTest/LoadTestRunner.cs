using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using OrleansRelay.LoadTest.Clients;
using OrleansRelay.LoadTest.Deployment;
using OrleansRelay.LoadTest.Devices;
using OrleansRelay.LoadTest.Measurement;
using OrleansRelay.LoadTest.Reporting;
using OrleansRelay.LoadTest.Scenarios;

namespace OrleansRelay.LoadTest;

/// <summary>
/// Runs the chosen scenarios, in order, against one relay (started here or given), and writes one report folder
/// per scenario: <c>&lt;output&gt;/&lt;timestamp&gt;-&lt;scenario&gt;/</c>.
/// </summary>
internal static class LoadTestRunner
{
    /// <summary>Admission control the load test gives edges it starts for a connect storm (the edge's default is 500/s, burst 1000).</summary>
    public const int ConnectStormAdmissionRate = 5000;

    /// <summary>Returns the report folders written, one per scenario.</summary>
    public static async Task<IReadOnlyList<string>> RunAsync(LoadOptions options, CancellationToken cancellationToken)
    {
        var scenarios = options.Scenarios.Select(name => ScenarioRegistry.Find(name)
            ?? throw new ArgumentException($"Unknown scenario '{name}'; known: {string.Join(", ", ScenarioRegistry.All.Select(s => s.Name))}.")).ToArray();
        var view = new ConsoleView(options.Live);
        Directory.CreateDirectory(options.OutputDirectory);
        options = WithAdmission(options, scenarios);
        view.Line("Starting the relay...");
        await using var relay = await StartRelayAsync(options, scenarios, cancellationToken);
        view.Line(relay.Description);
        using var admin = new HttpClient { BaseAddress = relay.Edges[0].Http, Timeout = TimeSpan.FromSeconds(60) };
        admin.DefaultRequestHeaders.Add("X-Admin-Key", relay.AdminKey);
        var pool = new DevicePool(new DeviceProvisioner(admin), options.Seed);
        using var client = new RelayClient([.. relay.Edges.Select(e => e.Http)], relay.AdminKey, options.ClientTimeout, options.MaxConnectionsPerEdge);
        var folders = new List<string>();
        foreach (var scenario in scenarios)
        {
            var started = DateTimeOffset.UtcNow;
            var folder = Path.Combine(options.OutputDirectory, $"{started:yyyyMMdd-HHmmss}-{scenario.Name}");
            var result = new RunResult
            {
                Scenario = scenario.Name,
                StartedAt = started,
                Machine = $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription.Trim()}, .NET {Environment.Version}",
                Deployment = relay.Description,
                Devices = scenario is SoakScenario ? Math.Min(options.CycleDevices, options.Devices) : options.Devices,
                Settings = Settings(options, scenario),
            };
            view.Line($"== {scenario.Name}: {scenario.Description}");
            ScenarioContext? context = null;
            await using (var monitor = new RunMonitor(relay.Processes, () => context?.Fleet?.Online ?? 0))
            await using (var status = new StatusFileWriter(options.StatusFile, () => StatusText(context?.Fleet, monitor.Phase)))
            using (var memory = new MemoryProbe(monitor, relay.MemoryEndpoints, relay.AdminKey))
            {
                context = new ScenarioContext(options, relay, pool, client, monitor, memory, view, result);
                monitor.Start();
                result.Notes.Add($"Machine load average (1, 5, 15 min) at the start: {LoadAverage()}.");
                try
                {
                    await scenario.RunAsync(context, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    result.Notes.Add($"The scenario failed: {ex.GetType().Name}: {ex.Message}");
                    view.Line($"{scenario.Name} failed: {ex}");
                }

                result.Notes.AddRange(memory.Failures.Order(StringComparer.Ordinal).Select(f => $"Memory probe failed (heap not measured): {f}."));
                result.Notes.Add($"Machine load average at the end: {LoadAverage()}.");
                result.Timeline = monitor.Timeline();
            }

            ReportWriter.Write(result, folder);
            folders.Add(folder);
            view.Line($"Report: {Path.Combine(folder, ReportWriter.MarkdownFile)}");
        }

        return folders;
    }

    private static async Task<IRelayTarget> StartRelayAsync(LoadOptions options, ILoadScenario[] scenarios, CancellationToken cancellationToken)
    {
        if (options.IsExternal)
        {
            if (options.DeviceEndpoints.Count != options.EdgeUrls.Count)
            {
                throw new ArgumentException("Give one --device-endpoint per --edge-url, in the same order.");
            }

            var key = options.AdminKey ?? Environment.GetEnvironmentVariable("ORLEANSRELAY_ADMIN_KEY")
                ?? throw new ArgumentException("An external relay needs --admin-key (or ORLEANSRELAY_ADMIN_KEY).");
            return new ExternalRelay(
                [.. options.EdgeUrls.Zip(options.DeviceEndpoints, (http, device) => new EdgeEndpoint(http, device, 0))],
                key,
                [
                    .. options.EdgePids.Select((pid, i) => new MonitoredProcess(ProcessRole.Edge, $"edge-{i + 1}", pid)),
                    .. options.SiloPids.Select((pid, i) => new MonitoredProcess(ProcessRole.Silo, $"silo-{i + 1}", pid)),
                ]);
        }

        return await LocalRelay.StartAsync(
            new LocalRelayOptions
            {
                Edges = options.Embedded ? 1 : Math.Max(options.Edges, scenarios.Max(s => s.EdgesNeeded)),
                Embedded = options.Embedded,
                AdmissionRatePerSecond = options.AdmissionRatePerSecond,
                AdmissionBurst = options.AdmissionBurst,
                LogDirectory = Path.Combine(options.OutputDirectory, "host-logs"),
            },
            cancellationToken);
    }

    private static LoadOptions WithAdmission(LoadOptions options, ILoadScenario[] scenarios) =>
        !options.IsExternal && options.AdmissionRatePerSecond is null && scenarios.Any(s => s is ConnectScenario)
            ? options with { AdmissionRatePerSecond = ConnectStormAdmissionRate, AdmissionBurst = options.AdmissionBurst ?? ConnectStormAdmissionRate }
            : options;

    /// <summary>
    /// <c>--status-file</c>: "&lt;devices online&gt; &lt;devices&gt; &lt;phase&gt;" on the first line, then up to 20
    /// device ids spread over the fleet, one a line (for probes through the relay).
    /// </summary>
    private static string StatusText(DeviceFleet? fleet, string phase)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{fleet?.Online ?? 0} {fleet?.Devices.Count ?? 0} {phase}\n");
        if (fleet is { Devices.Count: > 0 } f)
        {
            var step = Math.Max(1, f.Devices.Count / 20);
            for (var i = 0; i < f.Devices.Count; i += step)
            {
                text.Append(f.Devices[i].DeviceId).Append('\n');
            }
        }

        return text.ToString();
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static Dictionary<string, string> Settings(LoadOptions options, ILoadScenario scenario)
    {
        var settings = new Dictionary<string, string>
        {
            ["response"] = $"{options.Fleet.Api.ResponseBytes} B",
            ["device service time"] = $"{options.Fleet.Api.ServiceTime.TotalMilliseconds:0} ms",
            ["client connections per edge"] = options.MaxConnectionsPerEdge.ToString(CultureInfo.InvariantCulture),
            ["admission"] = options.AdmissionRatePerSecond is { } rate ? $"{rate}/s burst {options.AdmissionBurst ?? rate}" : "edge default (500/s burst 1000)",
        };
        if (scenario is RelayScenario or CachedScenario)
        {
            settings["warm-up"] = $"{options.WarmUp.TotalSeconds:0} s";
            settings["phase"] = $"{options.Duration.TotalSeconds:0} s";
            settings["clients"] = options.Concurrency.ToString(CultureInfo.InvariantCulture);
            settings["open-model rate"] = $"{options.Rate:0}/s";
            settings["GET share"] = $"{options.Mix.GetRatio:0.##}";
        }

        if (scenario is NotifyScenario)
        {
            settings["phase"] = $"{options.Duration.TotalSeconds:0} s";
            settings["notification rate"] = $"{options.NotifyRate:0}/s";
            settings["subscribers"] = $"{options.SseSubscribers} SSE, {options.SignalRSubscribers} SignalR";
            settings["drain timeout"] = $"{options.DrainTimeout.TotalSeconds:0} s";
            if (options.RelayConcurrency > 0)
            {
                settings["relay clients alongside"] = options.RelayConcurrency.ToString(CultureInfo.InvariantCulture);
                settings["client timeout"] = $"{options.ClientTimeout.TotalSeconds:0} s";
            }
        }

        if (scenario is SoakScenario)
        {
            settings["cycles"] = options.Cycles.ToString(CultureInfo.InvariantCulture);
        }

        if (scenario is ReconnectScenario)
        {
            settings["action"] = options.KillEdge ? "kill" : "drain";
        }

        return settings;
    }
}
