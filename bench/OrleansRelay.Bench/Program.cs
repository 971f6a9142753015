using System.Globalization;
using System.Text;
using HdrHistogram;
using OrleansRelay.Bench;
using OrleansRelay.Demo;

// 1. Relayed GETs per second for a cached resource against the same resource fetched from the device each time.
// 2. Sequential relayed GETs against the same GETs sent straight to the device's REST service.
// 3. Notification latency, device daemon → Server-Sent Events subscriber.
// 4. Accepted notifications per second with the daemon's outbox on disk (--only outbox: just this, no relay).
// 5. The fleet API with 10,000 registered devices (--only fleet).
// Usage: dotnet run -c Release --project bench/OrleansRelay.Bench [-- --count 1000 --warmup 1000 --clients 16 --seconds 10 --out DIR]
//        [--only notify]  (just the notification latency)   [--only outbox [--outbox-root DIR]]  (just the outbox on disk)
//        [--only fleet [--devices 10000] [--Storage:Provider=MySql --ConnectionStrings:MySql=...]]  (the fleet API)
// Results go to bench/results/ of the repository unless --out says otherwise.
var count = ArgValue(args, "--count", 1000);
var warmup = ArgValue(args, "--warmup", 1000);
var outDir = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault() ?? Path.Combine(RepositoryRoot(), "bench", "results");
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

if (args.Contains("--only") && args.Contains("outbox"))
{
    Directory.CreateDirectory(outDir);
    var root = args.SkipWhile(a => a != "--outbox-root").Skip(1).FirstOrDefault() ?? Path.GetTempPath();
    await WriteAsync(Path.Combine(outDir, "outbox-throughput.md"), await OutboxReportAsync(root, stop.Token), stop.Token);
    return;
}

string[] relayArgs =
[
    "--Edge:HttpPort=0", "--Edge:DevicePort=0", $"--Cluster:SiloPort={FreePort()}", $"--Cluster:GatewayPort={FreePort()}",
    "--Logging:LogLevel:Default=Warning", "--Demo:LanPort=0",
    .. args.Where(a => a.StartsWith("--Storage:", StringComparison.Ordinal) || a.StartsWith("--ConnectionStrings:", StringComparison.Ordinal)),
];
if (args.FirstOrDefault(a => a.StartsWith("--ConnectionStrings:MySql=", StringComparison.Ordinal)) is { } mySql)
{
    // The embedded mode does not apply the schema (the silo host does): the benchmark's database gets it here.
    await OrleansRelay.Silo.Storage.MySqlSchema.ApplyAsync(mySql["--ConnectionStrings:MySql=".Length..], stop.Token);
}

await using var relay = await DemoRelay.StartAsync(relayArgs, deviceServicePort: 0, stop.Token);
using var viaRelay = new HttpClient { BaseAddress = relay.EdgeUrl };
viaRelay.DefaultRequestHeaders.Add("X-Admin-Key", relay.AdminKey);
using var direct = new HttpClient { BaseAddress = relay.DeviceServiceUrl };

var zones = $"/v1/devices/{DemoRelay.DeviceId}/api/zones";
Directory.CreateDirectory(outDir);

// 5. The fleet API with 10,000 registered devices (only when asked for: --only fleet [--devices N]).
if (args.Contains("--only") && args.Contains("fleet"))
{
    var devices = ArgValue(args, "--devices", 10_000);
    var storage = args.Contains("--Storage:Provider=MySql") ? "MariaDB" : "memory";
    var provisionStarted = System.Diagnostics.Stopwatch.GetTimestamp();
    await FleetListRun.ProvisionAsync(viaRelay, devices, stop.Token);
    var provisioned = System.Diagnostics.Stopwatch.GetElapsedTime(provisionStarted);
    var indexed = await FleetListRun.WaitIndexedAsync(viaRelay, devices + 1, stop.Token);
    var fleetCount = ArgValue(args, "--count", 200);
    string[][] cases =
    [
        ["first page of 50", "/v1/admin/devices?limit=50"],
        ["a page of 50 from the middle", $"/v1/admin/devices?limit=50&cursor={Base64Url(FleetListRun.IdPrefix + (devices / 2).ToString("D5", CultureInfo.InvariantCulture))}"],
        ["a page of 500", "/v1/admin/devices?limit=500"],
        ["online only (1 of them)", "/v1/admin/devices?limit=50&status=online"],
        ["name prefix", "/v1/admin/devices?limit=50&q=Bench%20camera%2000"],
        ["id prefix", $"/v1/admin/devices?limit=50&q={FleetListRun.IdPrefix}0999"],
        ["totals", "/v1/admin/stats"],
    ];
    var runs = new List<(string, string, LongHistogram)>();
    foreach (var pair in cases)
    {
        runs.Add((pair[0], pair[1], await FleetListRun.MeasureAsync(viaRelay, pair[1], 50, fleetCount, stop.Token)));
    }

    var walk = await FleetListRun.WalkAsync(viaRelay, 500, stop.Token);
    await WriteAsync(Path.Combine(outDir, $"fleet-list-{storage.ToLowerInvariant()}.md"), FleetListRun.Report(storage, devices, provisioned, indexed, runs, walk, fleetCount), stop.Token);
    return;
}

// 3. Notification latency (first when asked for alone).
var notifications = await NotificationLatencyRun.MeasureAsync(viaRelay, DemoRelay.DeviceId, relay.Daemon, warmup: 200, count, TimeSpan.FromMilliseconds(2), stop.Token);
await WriteAsync(Path.Combine(outDir, "notification-latency.md"), NotificationReport(notifications, count), stop.Token);
if (args.Contains("--only") && args.Contains("notify"))
{
    return;
}

// 1. Throughput of a cached resource against the same resource fetched from the device every time.
var clients = ArgValue(args, "--clients", 16);
var seconds = ArgValue(args, "--seconds", 10);
// Warm both paths first (JIT tiering, pools, the thread pool's size): the first seconds are several times slower.
var warmupTime = TimeSpan.FromSeconds(ArgValue(args, "--warmup-seconds", 5));
await ThroughputRun.MeasureAsync(viaRelay, () => new HttpRequestMessage(HttpMethod.Get, zones), clients, warmupTime, stop.Token);
await ThroughputRun.MeasureAsync(viaRelay, () => Bypassing(zones), clients, warmupTime, stop.Token);
var cached = await ThroughputRun.MeasureAsync(viaRelay, () => new HttpRequestMessage(HttpMethod.Get, zones), clients, TimeSpan.FromSeconds(seconds), stop.Token);
var uncached = await ThroughputRun.MeasureAsync(viaRelay, () => Bypassing(zones), clients, TimeSpan.FromSeconds(seconds), stop.Token);
await WriteAsync(Path.Combine(outDir, "cache-throughput.md"), CacheReport(cached, uncached, clients, seconds), stop.Token);

// 2. Sequential latency, measured after the throughput runs have warmed every path. The relayed GETs bypass the response cache, so every one reaches the device.
var relayed = await LatencyRun.MeasureAsync(viaRelay, zones, warmup, count, bypassCache: true, stop.Token);
var straight = await LatencyRun.MeasureAsync(direct, "/zones", warmup, count, bypassCache: false, stop.Token);
await WriteAsync(Path.Combine(outDir, "relay-latency.md"), Report(relayed, straight, count, warmup), stop.Token);


static string Base64Url(string value) => System.Buffers.Text.Base64Url.EncodeToString(Encoding.ASCII.GetBytes(value));

static HttpRequestMessage Bypassing(string path)
{
    var message = new HttpRequestMessage(HttpMethod.Get, path);
    message.Headers.CacheControl = new System.Net.Http.Headers.CacheControlHeaderValue { NoCache = true };
    return message;
}

static async Task WriteAsync(string file, string report, CancellationToken cancellationToken)
{
    Console.WriteLine(report);
    await File.WriteAllTextAsync(file, report, cancellationToken);
    Console.WriteLine($"Written to {file}");
}

static string CacheReport((long Requests, TimeSpan Elapsed, LongHistogram Latency) cached, (long Requests, TimeSpan Elapsed, LongHistogram Latency) uncached, int clients, int seconds)
{
    static string Row(string name, (long Requests, TimeSpan Elapsed, LongHistogram Latency) run) =>
        string.Create(CultureInfo.InvariantCulture, $"| {name} | {run.Requests / run.Elapsed.TotalSeconds:0} | {run.Latency.GetValueAtPercentile(50) / 1000.0:0.000} | {run.Latency.GetValueAtPercentile(99) / 1000.0:0.000} | {run.Requests} |");

    var text = new StringBuilder();
    text.AppendLine("# Response cache: relayed GETs per second, cached against uncached");
    text.AppendLine();
    text.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, .NET {Environment.Version}, {(IsRelease() ? "Release" : "Debug")} build, in one run.");
    text.AppendLine(CultureInfo.InvariantCulture, $"{clients} concurrent keep-alive clients for {seconds} s each (after 5 s of unrecorded warm-up of each path), `GET /v1/devices/demo-irrigation/api/zones` (about 700 B) on the embedded default (edge, silo, daemon and device service in one process, 127.0.0.1).");
    text.AppendLine("Cached: served by the DeviceGrain's cache (`X-Cache: HIT`). Uncached: the same request with `Cache-Control: no-cache`, so every one goes to the device (`X-Cache: BYPASS`).");
    text.AppendLine("The load generator shares the machine's 2 cores with everything it measures.");
    text.AppendLine();
    text.AppendLine("| resource | requests/s | p50 ms | p99 ms | requests |");
    text.AppendLine("|---|---|---|---|---|");
    text.AppendLine(Row("cached", cached));
    text.AppendLine(Row("uncached", uncached));
    return text.ToString();
}

static async Task<string> OutboxReportAsync(string root, CancellationToken cancellationToken)
{
    var results = new List<OutboxThroughputRun.Result>();
    foreach (var writers in new[] { 1, 4, 16, 64 })
    {
        var directory = Directory.CreateDirectory(Path.Combine(root, $"orleansrelay-outbox-bench-{Guid.NewGuid():N}"));
        try
        {
            // A short unrecorded run first (JIT, thread pool), then the measured one on a fresh outbox.
            await OutboxThroughputRun.NotifyAsync(directory.FullName, writers, TimeSpan.FromSeconds(1), cancellationToken);
            Directory.Delete(Path.Combine(directory.FullName, "outbox"), recursive: true);
            results.Add(await OutboxThroughputRun.NotifyAsync(directory.FullName, writers, TimeSpan.FromSeconds(5), cancellationToken));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    var fifoDirectory = Directory.CreateDirectory(Path.Combine(root, $"orleansrelay-outbox-bench-{Guid.NewGuid():N}"));
    try
    {
        results.Add(await OutboxThroughputRun.FifoAsync(fifoDirectory.FullName, 100_000, cancellationToken));
    }
    finally
    {
        fifoDirectory.Delete(recursive: true);
    }

    var text = new StringBuilder();
    text.AppendLine("# Device outbox on disk: accepted notifications per second");
    text.AppendLine();
    text.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, .NET {Environment.Version}, {(IsRelease() ? "Release" : "Debug")} build, outbox on {new DriveInfo(root).DriveFormat} ({root}).");
    text.AppendLine("Each notification (about 50 B of JSON) counts only once its record is fsync'd; concurrent writers share one fsync (group commit).");
    text.AppendLine("The relay's acknowledgements are played every millisecond, so acknowledged segments are deleted while it runs. The machine's 2 cores are shared with other builds.");
    text.AppendLine("NotifyAsync: N tasks each awaiting `DeviceDaemon.NotifyAsync` in a loop for 5 s (after 1 s unrecorded). FIFO: one application writing 100,000 lines into `--notify-fifo` (writes under 4 KiB), timed until every line's `ok` was read from `PATH.ack`.");
    text.AppendLine();
    text.AppendLine("| path | writers | accepted/s | notifications per fsync | accepted | fsyncs |");
    text.AppendLine("|---|---:|---:|---:|---:|---:|");
    foreach (var r in results)
    {
        text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Path} | {r.Writers} | {r.PerSecond:0} | {r.PerSync:0.0} | {r.Accepted} | {r.Syncs} |");
    }

    return text.ToString();
}

static string NotificationReport(LongHistogram latency, int count)
{
    static string Ms(LongHistogram h, double percentile) =>
        (h.GetValueAtPercentile(percentile) / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);

    var text = new StringBuilder();
    text.AppendLine("# Notification latency: device daemon → Server-Sent Events subscriber");
    text.AppendLine();
    text.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, .NET {Environment.Version}, {(IsRelease() ? "Release" : "Debug")} build.");
    text.AppendLine(CultureInfo.InvariantCulture, $"{count} notifications (after 200 unrecorded), one every 2 ms, from `DeviceDaemon.Notify` to the line read from `GET /v1/devices/demo-irrigation/events`.");
    text.AppendLine("Path: daemon outbox → device TCP (Notification frame) → edge → DeviceGrain (event log append, in-memory store) → observer push → edge feed → SSE response → client. Embedded mode, one process, 127.0.0.1.");
    text.AppendLine();
    text.AppendLine("| p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |");
    text.AppendLine("|---|---|---|---|---|");
    text.AppendLine($"| {Ms(latency, 50)} | {Ms(latency, 90)} | {Ms(latency, 99)} | {Ms(latency, 99.9)} | {(latency.GetMaxValue() / 1000.0).ToString("0.000", CultureInfo.InvariantCulture)} |");
    return text.ToString();
}

static string Report(LongHistogram relayed, LongHistogram straight, int count, int warmup)
{
    static string Ms(LongHistogram h, double percentile) =>
        (h.GetValueAtPercentile(percentile) / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);

    static string Row(string name, LongHistogram h) =>
        $"| {name} | {Ms(h, 50)} | {Ms(h, 90)} | {Ms(h, 99)} | {Ms(h, 99.9)} | {(h.GetMaxValue() / 1000.0).ToString("0.000", CultureInfo.InvariantCulture)} |";

    var text = new StringBuilder();
    text.AppendLine("# Relay latency: sequential GETs");
    text.AppendLine();
    text.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, .NET {Environment.Version}, {(IsRelease() ? "Release" : "Debug")} build.");
    text.AppendLine(CultureInfo.InvariantCulture, $"{count} sequential `GET /zones` (about 700 B of JSON) after {warmup} warm-up requests, one keep-alive HTTP/1.1 client.");
    text.AppendLine("Embedded mode: edge, silo, daemon and the demo device service in one process, all on 127.0.0.1.");
    text.AppendLine("Relayed path: client → edge HTTP → DeviceGrain → edge observer → device TCP (framed) → daemon → device HTTP, and back.");
    text.AppendLine("The relayed requests carry `Cache-Control: no-cache`, so the response cache is bypassed and every one reaches the device.");
    text.AppendLine();
    text.AppendLine("| path | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |");
    text.AppendLine("|---|---|---|---|---|---|");
    text.AppendLine(Row("through the relay", relayed));
    text.AppendLine(Row("straight to the device service", straight));
    text.AppendLine();
    text.AppendLine(CultureInfo.InvariantCulture, $"Relay overhead at p50: {((relayed.GetValueAtPercentile(50) - straight.GetValueAtPercentile(50)) / 1000.0).ToString("0.000", CultureInfo.InvariantCulture)} ms.");
    return text.ToString();
}

static bool IsRelease() =>
    typeof(DemoRelay).Assembly.GetCustomAttributes(typeof(System.Diagnostics.DebuggableAttribute), false)
        .OfType<System.Diagnostics.DebuggableAttribute>().All(a => !a.IsJITOptimizerDisabled);

static string RepositoryRoot()
{
    // dotnet run starts in the project folder; the results belong to the repository's bench/results.
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "OrleansRelay.sln")))
        {
            return dir.FullName;
        }
    }

    return Directory.GetCurrentDirectory();
}

static int FreePort()
{
    using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
    listener.Start();
    return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
}

static int ArgValue(string[] args, string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
