using System.Globalization;
using System.Text;
using HdrHistogram;
using OrleansRelay.Bench;
using OrleansRelay.Demo;

// Sequential relayed GETs against the same GETs sent straight to the device's REST service.
// Usage: dotnet run -c Release --project bench/OrleansRelay.Bench [-- --count 1000 --warmup 200 --out bench/results]
var count = ArgValue(args, "--count", 1000);
var warmup = ArgValue(args, "--warmup", 200);
var outDir = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault() ?? Path.Combine("bench", "results");
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

string[] relayArgs =
[
    "--Edge:HttpPort=0", "--Edge:DevicePort=0", $"--Cluster:SiloPort={FreePort()}", $"--Cluster:GatewayPort={FreePort()}",
    "--Logging:LogLevel:Default=Warning",
];
await using var relay = await DemoRelay.StartAsync(relayArgs, deviceServicePort: 0, stop.Token);
using var viaRelay = new HttpClient { BaseAddress = relay.EdgeUrl };
viaRelay.DefaultRequestHeaders.Add("X-Admin-Key", relay.AdminKey);
using var direct = new HttpClient { BaseAddress = relay.DeviceServiceUrl };

var relayed = await LatencyRun.MeasureAsync(viaRelay, $"/v1/devices/{DemoRelay.DeviceId}/api/zones", warmup, count, stop.Token);
var straight = await LatencyRun.MeasureAsync(direct, "/zones", warmup, count, stop.Token);

var report = Report(relayed, straight, count, warmup);
Console.WriteLine(report);
Directory.CreateDirectory(outDir);
var file = Path.Combine(outDir, "relay-latency.md");
await File.WriteAllTextAsync(file, report, stop.Token);
Console.WriteLine($"Written to {file}");

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
