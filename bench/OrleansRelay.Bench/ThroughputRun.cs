using System.Diagnostics;
using HdrHistogram;

namespace OrleansRelay.Bench;

/// <summary>Closed-loop load: <c>clients</c> concurrent callers sending the same GET for a fixed time.</summary>
internal static class ThroughputRun
{
    public static async Task<(long Requests, TimeSpan Elapsed, LongHistogram Latency)> MeasureAsync(
        HttpClient client, Func<HttpRequestMessage> request, int clients, TimeSpan duration, CancellationToken cancellationToken)
    {
        var histogram = new LongConcurrentHistogram(1, TimeStamp.Minutes(1), 3);
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long requests = 0;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var start = Stopwatch.GetTimestamp();
                using var message = request();
                using var response = await client.SendAsync(message, cancellationToken);
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsByteArrayAsync(cancellationToken);
                histogram.RecordValue((long)Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                Interlocked.Increment(ref requests);
            }
        }));
        var copy = new LongHistogram(TimeStamp.Minutes(1), 3);
        copy.Add(histogram);
        return (requests, Stopwatch.GetElapsedTime(started), copy);
    }
}
