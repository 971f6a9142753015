using System.CommandLine;
using System.CommandLine.Parsing;
using System.Net;
using OrleansRelay.LoadTest.Clients;
using OrleansRelay.LoadTest.Devices;
using OrleansRelay.LoadTest.Scenarios;

namespace OrleansRelay.LoadTest.Cli;

/// <summary><c>orleansrelay-loadtest</c>: the command line.</summary>
internal static class LoadTestCommand
{
    public static RootCommand Create()
    {
        var scenarios = new Option<string[]>("--scenario", "-s")
        {
            Description = $"Scenario(s) to run, in order: {string.Join(", ", ScenarioRegistry.All.Select(s => s.Name))}.",
            DefaultValueFactory = _ => ["connect"],
            AllowMultipleArgumentsPerToken = true,
        };
        var devices = new Option<int>("--devices", "-n") { Description = "Simulated devices (soak uses --cycle-devices of them).", DefaultValueFactory = _ => LoadOptions.DefaultDevices };
        var duration = new Option<double>("--duration") { Description = "Seconds of each measured load phase.", DefaultValueFactory = _ => 20 };
        var warmUp = new Option<double>("--warm-up") { Description = "Seconds of unrecorded load first (JIT tiering, pools, caches).", DefaultValueFactory = _ => 20 };
        var concurrency = new Option<int>("--concurrency", "-c") { Description = "Closed model: concurrent clients.", DefaultValueFactory = _ => 64 };
        var rate = new Option<double>("--rate") { Description = "Open model: requests started per second.", DefaultValueFactory = _ => 3000 };
        var responseBytes = new Option<int>("--response-bytes") { Description = "Body size of the devices' /status and /readings.", DefaultValueFactory = _ => DeviceApiOptions.DefaultResponseBytes };
        var serviceTime = new Option<double>("--service-time-ms") { Description = "Milliseconds a device takes to answer.", DefaultValueFactory = _ => 0 };
        var getRatio = new Option<double>("--get-ratio") { Description = "Share of GETs in the relay mix (the rest are POSTs).", DefaultValueFactory = _ => 1.0 };
        var cachedRatio = new Option<double>("--cached-ratio") { Description = "Share of the relay mix's GETs that read the cacheable /status.", DefaultValueFactory = _ => 0 };
        var targetDevices = new Option<int>("--target-devices") { Description = "Devices the clients address (0 = all online).", DefaultValueFactory = _ => 0 };
        var notifyRate = new Option<double>("--notify-rate") { Description = "notify: notifications sent per second over all devices (open model).", DefaultValueFactory = _ => 1000 };
        var sseSubscribers = new Option<int>("--sse-subscribers") { Description = "notify: SSE subscribers, one device each.", DefaultValueFactory = _ => 1000 };
        var signalRSubscribers = new Option<int>("--signalr-subscribers") { Description = "notify: SignalR subscribers, one device each.", DefaultValueFactory = _ => 100 };
        var relayConcurrency = new Option<int>("--relay-concurrency") { Description = "notify: closed-model relay clients running alongside the notifications (0 = none).", DefaultValueFactory = _ => 0 };
        var drainTimeout = new Option<double>("--drain-timeout") { Description = "notify: seconds to wait after sending for the last deliveries, acknowledgements and devices online.", DefaultValueFactory = _ => 20 };
        var clientTimeout = new Option<double>("--client-timeout") { Description = "Seconds a relayed request may take before the client counts client-timeout.", DefaultValueFactory = _ => 30 };
        var statusFile = new Option<string?>("--status-file") { Description = "File rewritten twice a second with \"<devices online> <devices>\" (for scripts that wait on recovery)." };
        var idleWait = new Option<double>("--idle-wait") { Description = "connect: seconds to wait, devices connected and nothing sent, before reading the idle RSS (the relay's idle memory trim runs in this time; 0 = skip).", DefaultValueFactory = _ => 30 };
        var hold = new Option<double>("--hold") { Description = "connect: seconds the devices stay connected after the measurement (e.g. for dotnet-gcdump).", DefaultValueFactory = _ => 0 };
        var cycles = new Option<int>("--cycles") { Description = "soak: connect/disconnect cycles.", DefaultValueFactory = _ => 100 };
        var cycleDevices = new Option<int>("--cycle-devices") { Description = "soak: devices per cycle.", DefaultValueFactory = _ => 1000 };
        var drain = new Option<bool>("--drain") { Description = "reconnect: drain the edge (SIGTERM) instead of kill -9." };
        var edges = new Option<int>("--edges") { Description = "Edges to start (reconnect starts at least 2).", DefaultValueFactory = _ => 1 };
        var embedded = new Option<bool>("--embedded") { Description = "Start one embedded edge (edge and silo in one process) instead of separate silo and edge processes." };
        var admissionRate = new Option<int?>("--admission-rate") { Description = $"Admission rate of edges the load test starts (default: {LoadTestRunner.ConnectStormAdmissionRate}/s when connect runs, else the edge's 500/s)." };
        var admissionBurst = new Option<int?>("--admission-burst") { Description = "Admission burst of edges the load test starts." };
        var edgeUrls = new Option<Uri[]>("--edge-url")
        {
            Description = "Target a running relay: an edge's client API URL (repeatable).",
            CustomParser = ParseUris,
            AllowMultipleArgumentsPerToken = false,
        };
        var deviceEndpoints = new Option<IPEndPoint[]>("--device-endpoint")
        {
            Description = "The device port of each --edge-url, as address:port (repeatable, same order).",
            CustomParser = ParseEndPoints,
        };
        var adminKey = new Option<string?>("--admin-key") { Description = "Operator key of a running relay (or ORLEANSRELAY_ADMIN_KEY)." };
        var edgePids = new Option<int[]>("--edge-pid") { Description = "Pid of a running edge to sample CPU and RSS from (repeatable)." };
        var siloPids = new Option<int[]>("--silo-pid") { Description = "Pid of a running silo to sample (repeatable)." };
        var output = new Option<string>("--output", "-o") { Description = "Folder for report folders.", DefaultValueFactory = _ => DefaultOutput() };
        var noLive = new Option<bool>("--no-live") { Description = "Plain progress lines instead of Spectre live tables." };
        var maxConnections = new Option<int>("--max-connections") { Description = "Client keep-alive connections per edge.", DefaultValueFactory = _ => RelayClient.DefaultMaxConnectionsPerEdge };
        var handshakes = new Option<int>("--connect-concurrency") { Description = "Device handshakes in flight at once.", DefaultValueFactory = _ => 1000 };

        var command = new RootCommand("OrleansRelay load test: simulated devices on real TCP connections and their HTTP clients, with a report per scenario.")
        {
            scenarios, devices, duration, warmUp, concurrency, rate, responseBytes, serviceTime, getRatio, cachedRatio, targetDevices,
            notifyRate, sseSubscribers, signalRSubscribers, cycles, cycleDevices, drain, edges, embedded, admissionRate, admissionBurst, edgeUrls, deviceEndpoints, adminKey,
            edgePids, siloPids, output, noLive, handshakes, maxConnections, relayConcurrency, drainTimeout, clientTimeout, statusFile, idleWait, hold,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new LoadOptions
            {
                Scenarios = [.. parse.GetValue(scenarios)!.SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries))],
                Devices = parse.GetValue(devices),
                Duration = TimeSpan.FromSeconds(parse.GetValue(duration)),
                WarmUp = TimeSpan.FromSeconds(parse.GetValue(warmUp)),
                Concurrency = parse.GetValue(concurrency),
                Rate = parse.GetValue(rate),
                Mix = new RequestMixOptions { GetRatio = parse.GetValue(getRatio), CachedRatio = parse.GetValue(cachedRatio), TargetDevices = parse.GetValue(targetDevices) },
                Fleet = new FleetOptions
                {
                    ConnectConcurrency = parse.GetValue(handshakes),
                    Api = new DeviceApiOptions { ResponseBytes = parse.GetValue(responseBytes), ServiceTime = TimeSpan.FromMilliseconds(parse.GetValue(serviceTime)) },
                },
                MaxConnectionsPerEdge = parse.GetValue(maxConnections),
                NotifyRate = parse.GetValue(notifyRate),
                SseSubscribers = parse.GetValue(sseSubscribers),
                SignalRSubscribers = parse.GetValue(signalRSubscribers),
                RelayConcurrency = parse.GetValue(relayConcurrency),
                DrainTimeout = TimeSpan.FromSeconds(parse.GetValue(drainTimeout)),
                ClientTimeout = TimeSpan.FromSeconds(parse.GetValue(clientTimeout)),
                StatusFile = parse.GetValue(statusFile) is { } status ? Path.GetFullPath(status) : null,
                IdleWait = TimeSpan.FromSeconds(parse.GetValue(idleWait)),
                Hold = TimeSpan.FromSeconds(parse.GetValue(hold)),
                Cycles = parse.GetValue(cycles),
                CycleDevices = parse.GetValue(cycleDevices),
                KillEdge = !parse.GetValue(drain),
                Edges = parse.GetValue(edges),
                Embedded = parse.GetValue(embedded),
                AdmissionRatePerSecond = parse.GetValue(admissionRate),
                AdmissionBurst = parse.GetValue(admissionBurst),
                EdgeUrls = parse.GetValue(edgeUrls) ?? [],
                DeviceEndpoints = parse.GetValue(deviceEndpoints) ?? [],
                AdminKey = parse.GetValue(adminKey),
                EdgePids = parse.GetValue(edgePids) ?? [],
                SiloPids = parse.GetValue(siloPids) ?? [],
                OutputDirectory = Path.GetFullPath(parse.GetValue(output)!),
                Live = !parse.GetValue(noLive),
            };
            try
            {
                var folders = await LoadTestRunner.RunAsync(options, cancellationToken);
                return folders.Count > 0 ? 0 : 1;
            }
            catch (ArgumentException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return 2;
            }
        });
        return command;
    }

    private static Uri[] ParseUris(ArgumentResult result)
    {
        var uris = new List<Uri>();
        foreach (var token in result.Tokens)
        {
            if (Uri.TryCreate(token.Value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                uris.Add(uri);
            }
            else
            {
                result.AddError($"'{token.Value}' is not an absolute http(s) URL.");
            }
        }

        return [.. uris];
    }

    private static IPEndPoint[] ParseEndPoints(ArgumentResult result)
    {
        var endpoints = new List<IPEndPoint>();
        foreach (var token in result.Tokens)
        {
            if (IPEndPoint.TryParse(token.Value, out var endpoint) && endpoint.Port > 0)
            {
                endpoints.Add(endpoint);
            }
            else
            {
                result.AddError($"'{token.Value}' is not address:port (e.g. 127.0.0.1:5070).");
            }
        }

        return [.. endpoints];
    }

    /// <summary><c>loadtest/results</c> in the repository when run from its build output, else <c>./loadtest-results</c>.</summary>
    private static string DefaultOutput()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrleansRelay.sln")))
            {
                return Path.Combine(dir.FullName, "loadtest", "results");
            }
        }

        return "loadtest-results";
    }
}
