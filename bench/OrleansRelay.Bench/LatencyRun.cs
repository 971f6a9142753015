using System.Diagnostics;
using HdrHistogram;

namespace OrleansRelay.Bench;

/// <summary>Sends the same GET sequentially and records each round trip in an HdrHistogram (microsecond resolution).</summary>
internal static class LatencyRun
{
    public static async Task<LongHistogram> MeasureAsync(HttpClient client, string path, int warmup, int count, bool bypassCache, CancellationToken cancellationToken)
    {
        for (var i = 0; i < warmup; i++)
        {
            await SendAsync(client, path, bypassCache, cancellationToken);
        }

        var histogram = new LongHistogram(TimeStamp.Minutes(1), 3);
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await SendAsync(client, path, bypassCache, cancellationToken);
            histogram.RecordValue((long)Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }

        return histogram;
    }

    private static async Task SendAsync(HttpClient client, string path, bool bypassCache, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (bypassCache)
        {
            request.Headers.CacheControl = new System.Net.Http.Headers.CacheControlHeaderValue { NoCache = true };
        }

        using var response = await client.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }
}
