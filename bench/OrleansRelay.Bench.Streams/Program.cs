using System.Globalization;
using System.Text;
using HdrHistogram;
using OrleansRelay.Bench.Streams;
using OrleansRelay.Silo.Events.Streams;

// Device event transports, measured: DeviceGrain.RecordNotifications (called by an Orleans client, as an edge does)
// → log append → publish → consumer grain, for the broadcast channel and memory streams at several pulling periods,
// each run also measuring the observer push to the "edge" (what SSE/SignalR feeds use).
// Usage: dotnet run -c Release --project bench/OrleansRelay.Bench.Streams [-- --rate 1000 --seconds 10 --devices 100 --out DIR]
// Results: bench/results/device-event-streams.md (of the repository unless --out says otherwise).
var rate = ArgValue(args, "--rate", 1000);
var seconds = ArgValue(args, "--seconds", 10);
var devices = ArgValue(args, "--devices", 100);
var outDir = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault() ?? Path.Combine(RepositoryRoot(), "bench", "results");
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

(string Name, DeviceEventTransport Transport, TimeSpan Period)[] runs =
[
    ("broadcast channel", DeviceEventTransport.BroadcastChannel, TimeSpan.Zero),
    ("memory streams, 100 ms pulling (Orleans default)", DeviceEventTransport.MemoryStreams, TimeSpan.FromMilliseconds(100)),
    ("memory streams, 10 ms pulling", DeviceEventTransport.MemoryStreams, TimeSpan.FromMilliseconds(10)),
    ("memory streams, 2 ms pulling", DeviceEventTransport.MemoryStreams, TimeSpan.FromMilliseconds(2)),
];
var results = new List<StreamBenchRun.Result>();
foreach (var (name, transport, period) in runs)
{
    Console.WriteLine($"{name}: {rate}/s over {devices} devices for {seconds} s (+2 s warm-up)…");
    var result = await StreamBenchRun.RunAsync(name, transport, period == TimeSpan.Zero ? DeviceEventStreamOptions.DefaultPullingPeriod : period, rate, seconds, devices, stop.Token);
    Console.WriteLine($"  consumer p99 {Ms(result.Consumer.Histogram, 99)} ms, observer p99 {Ms(result.Observer.Histogram, 99)} ms");
    results.Add(result);
}

Directory.CreateDirectory(outDir);
var path = Path.Combine(outDir, "device-event-streams.md");
// Runs accumulate (newest last), each with its machine load: the machine is shared, and one run is not a figure.
var existing = File.Exists(path) ? await File.ReadAllTextAsync(path, stop.Token) : Header();
await File.WriteAllTextAsync(path, existing.TrimEnd() + "\n\n" + Report(results, rate, seconds, devices), stop.Token);
Console.WriteLine($"Written to {path}");

static string Header() =>
    "# Device events: device grain → consumer grain, and the observer push to edges\n\n"
    + "Each run below was appended by `dotnet run -c Release --project bench/OrleansRelay.Bench.Streams` (options `--rate`, `--seconds`, `--devices`); newest last.\n";

static string Report(List<StreamBenchRun.Result> results, int rate, int seconds, int devices)
{
    var text = new StringBuilder();
    text.AppendLine(CultureInfo.InvariantCulture, $"## Run of {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
    text.AppendLine();
    text.AppendLine(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores (shared with other builds: load average given per run), .NET {Environment.Version}, Release build.");
    text.AppendLine(CultureInfo.InvariantCulture, $"{rate} notifications/s spread evenly over {devices} devices (one `RecordNotifications` call each, paced by a 1 ms timer), 2 s warm-up unrecorded, then {seconds} s recorded.");
    text.AppendLine("One silo (localhost clustering, in-memory event log: the embedded default) and an Orleans client in a host of its own standing in for the edge, over the gateway's TCP on 127.0.0.1, one process.");
    text.AppendLine("Latency is from just before the client's `RecordNotifications` call to the event handed to (consumer) the `HandleAsync` of a `DeviceEventConsumerGrain` in the silo, (observer) `IEdgeObserver.DeliverEvents` on the client. Both paths run in every row at the same time, with the webhook dispatcher (a second consumer per device) active too.");
    text.AppendLine("Each device's notifications are sent in order (the next after the grain answered the previous one), as an edge forwards them; \"received\" counts what reached each path.");
    text.AppendLine();
    text.AppendLine("| transport | path | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | received | process CPU s | load avg before → after |");
    text.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
    foreach (var r in results)
    {
        foreach (var (path, recorder) in new[] { ("consumer grain", r.Consumer), ("observer push", r.Observer) })
        {
            var h = recorder.Histogram;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Name} | {path} | {Ms(h, 50)} | {Ms(h, 90)} | {Ms(h, 99)} | {Ms(h, 99.9)} | {h.GetMaxValue() / 1000.0:F3} | {recorder.Received}/{r.Expected} | {r.Cpu.TotalSeconds:F1} | {r.LoadBefore} → {r.LoadAfter} |");
        }
    }

    return text.ToString();
}

static string Ms(HistogramBase h, double percentile) => h.TotalCount == 0 ? "–" : (h.GetValueAtPercentile(percentile) / 1000.0).ToString("F3", CultureInfo.InvariantCulture);

static int ArgValue(string[] args, string name, int fallback) =>
    args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

static string RepositoryRoot()
{
    var directory = new DirectoryInfo(AppContext.BaseDirectory);
    while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "OrleansRelay.sln")))
    {
        directory = directory.Parent;
    }

    return directory?.FullName ?? Directory.GetCurrentDirectory();
}
