using System.Diagnostics;
using System.Globalization;
using HdrHistogram;
using OrleansRelay.Device;

namespace OrleansRelay.Bench;

/// <summary>
/// Device → subscriber latency of notifications: the daemon's <c>Notify</c> to the line arriving on a Server-Sent
/// Events stream of the edge. Sender and receiver share a process, so each notification carries its send timestamp.
/// Sent at a fixed pace (not back to back), so a slow delivery cannot hold back the next send.
/// </summary>
internal static class NotificationLatencyRun
{
    public static async Task<LongHistogram> MeasureAsync(HttpClient edge, string deviceId, DeviceDaemon daemon, int warmup, int count, TimeSpan pace, CancellationToken cancellationToken)
    {
        using var response = await edge.SendAsync(
            new HttpRequestMessage(HttpMethod.Get, $"/v1/devices/{deviceId}/events"), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        var histogram = new LongHistogram(TimeSpan.FromMinutes(1).Ticks, 3);
        var total = warmup + count;
        var receiving = Task.Run(async () =>
        {
            var received = 0;
            while (received < total && await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (!line.StartsWith("data: bench ", StringComparison.Ordinal))
                {
                    continue;
                }

                var parts = line["data: bench ".Length..].Split(' ');
                var index = int.Parse(parts[0], CultureInfo.InvariantCulture);
                var sent = long.Parse(parts[1], CultureInfo.InvariantCulture);
                if (index >= warmup)
                {
                    histogram.RecordValue((long)Stopwatch.GetElapsedTime(sent).TotalMicroseconds);
                }

                received++;
            }
        }, cancellationToken);

        using var timer = new PeriodicTimer(pace);
        for (var i = 0; i < total; i++)
        {
            await timer.WaitForNextTickAsync(cancellationToken);
            if (daemon.Notify(string.Create(CultureInfo.InvariantCulture, $"bench {i} {Stopwatch.GetTimestamp()}")) is { } refused)
            {
                throw new InvalidOperationException(refused);
            }
        }

        await receiving.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        return histogram;
    }
}
