using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using HdrHistogram;

namespace OrleansRelay.Bench;

/// <summary>
/// Times the operator's fleet API with <c>devices</c> registered: provisions them through <c>POST /v1/admin/devices</c>,
/// waits until the fleet index has them all, then sends sequential requests of each kind and records their latency.
/// </summary>
internal static class FleetListRun
{
    public const string IdPrefix = "fleetbench-";

    public static async Task ProvisionAsync(HttpClient relay, int devices, CancellationToken cancellationToken)
    {
        await Parallel.ForEachAsync(
            Enumerable.Range(0, devices),
            new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var id = $"{IdPrefix}{i:D5}";
                using var response = await relay.PostAsJsonAsync("/v1/admin/devices", new { deviceId = id, name = $"Bench {KindOf(i)} {i:D5}" }, token);
                if (!response.IsSuccessStatusCode && response.StatusCode != System.Net.HttpStatusCode.Conflict)
                {
                    throw new InvalidOperationException($"Provisioning {id} failed: {(int)response.StatusCode}");
                }
            });
    }

    /// <summary>Waits until <c>/v1/admin/stats</c> counts at least <paramref name="registered"/> devices; returns how long that took.</summary>
    public static async Task<TimeSpan> WaitIndexedAsync(HttpClient relay, long registered, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            using var stats = JsonDocument.Parse(await relay.GetStringAsync("/v1/admin/stats", cancellationToken));
            if (stats.RootElement.GetProperty("registered").GetInt64() >= registered)
            {
                return Stopwatch.GetElapsedTime(started);
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>Sequential GETs of <paramref name="path"/>: <paramref name="warmup"/> unrecorded, then <paramref name="count"/>; microseconds.</summary>
    public static async Task<LongHistogram> MeasureAsync(HttpClient relay, string path, int warmup, int count, CancellationToken cancellationToken)
    {
        var histogram = new LongHistogram(TimeSpan.FromMinutes(1).Ticks, 3);
        for (var i = 0; i < warmup + count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await relay.GetAsync(path, cancellationToken);
            await response.Content.ReadAsByteArrayAsync(cancellationToken);
            response.EnsureSuccessStatusCode();
            if (i >= warmup)
            {
                histogram.RecordValue(Math.Max(1, (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds));
            }
        }

        return histogram;
    }

    /// <summary>Reads every page (cursor to cursor) with <paramref name="limit"/>; returns the pages and the time for all of them.</summary>
    public static async Task<(int Pages, int Devices, TimeSpan Elapsed)> WalkAsync(HttpClient relay, int limit, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        string? cursor = null;
        int pages = 0, devices = 0;
        do
        {
            using var page = JsonDocument.Parse(await relay.GetStringAsync($"/v1/admin/devices?limit={limit}{(cursor is null ? "" : "&cursor=" + cursor)}", cancellationToken));
            pages++;
            devices += page.RootElement.GetProperty("devices").GetArrayLength();
            cursor = page.RootElement.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        return (pages, devices, Stopwatch.GetElapsedTime(started));
    }

    public static string Report(string storage, int devices, TimeSpan provisioned, TimeSpan indexed, IReadOnlyList<(string Name, string Path, LongHistogram Latency)> runs, (int Pages, int Devices, TimeSpan Elapsed) walk, int count)
    {
        static string Ms(LongHistogram h, double percentile) => (h.GetValueAtPercentile(percentile) / 1000.0).ToString("0.00", CultureInfo.InvariantCulture);

        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# Fleet API: the device list with {devices:N0} registered devices ({storage})");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, .NET {Environment.Version}, embedded mode (edge and silo in one process, 127.0.0.1), fleet index on {storage}.");
        text.AppendLine(CultureInfo.InvariantCulture, $"{devices:N0} devices provisioned through `POST /v1/admin/devices` (64 at a time) in {provisioned.TotalSeconds:0.0} s; the index counted them all {indexed.TotalSeconds:0.00} s after the last answer.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Each row: {count} sequential requests from one keep-alive client after 50 unrecorded; latency as the client sees it (edge → fleet grain → index → JSON).");
        text.AppendLine("The load generator shares the machine's 2 cores with the relay. A benchmark, not a test.");
        text.AppendLine();
        text.AppendLine("| request | p50 ms | p90 ms | p99 ms | max ms |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (var (name, path, latency) in runs)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {name} (`{path}`) | {Ms(latency, 50)} | {Ms(latency, 90)} | {Ms(latency, 99)} | {(latency.GetMaxValue() / 1000.0).ToString("0.00", CultureInfo.InvariantCulture)} |");
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"The whole list, cursor to cursor at `limit=500`: {walk.Pages} pages, {walk.Devices:N0} devices in {walk.Elapsed.TotalMilliseconds:0} ms.");
        return text.ToString();
    }

    private static string KindOf(int i) => (i % 4) switch
    {
        0 => "thermostat",
        1 => "irrigation",
        2 => "light",
        _ => "camera",
    };
}
