using System.Diagnostics;
using OrleansRelay.LoadTest.Measurement;

namespace OrleansRelay.LoadTest.Clients;

/// <summary>
/// Drives relayed requests two ways. Closed model: a fixed number of clients, each sending its next request when the
/// previous one is answered (measures throughput). Open model: requests start on a fixed schedule whatever the
/// answers do, and each latency is measured from the request's scheduled start, so a stall counts against every
/// request it delayed (no coordinated omission).
/// </summary>
internal sealed class LoadDriver
{
    private const int MaxOutstanding = 10_000;

    private readonly RelayClient _client;

    public LoadDriver(RelayClient client)
    {
        _client = client;
    }

    public async Task<long> RunClosedAsync(RequestMix mix, int concurrency, TimeSpan duration, LatencyRecorder recorder, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long sent = 0;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            while (Stopwatch.GetTimestamp() < deadline && !cancellationToken.IsCancellationRequested)
            {
                await SendOneAsync(mix.Next(random), Stopwatch.GetTimestamp(), recorder, cancellationToken);
                Interlocked.Increment(ref sent);
            }
        }, cancellationToken)));
        return sent;
    }

    public async Task<long> RunOpenAsync(RequestMix mix, double ratePerSecond, TimeSpan duration, LatencyRecorder recorder, CancellationToken cancellationToken)
    {
        var random = new Random(17);
        var started = Stopwatch.GetTimestamp();
        var ticksPerRequest = Stopwatch.Frequency / ratePerSecond;
        var total = (long)(ratePerSecond * duration.TotalSeconds);
        var inFlight = new List<Task>();
        long outstanding = 0;
        long next = 0;
        while (next < total && !cancellationToken.IsCancellationRequested)
        {
            var due = Math.Min(total, (long)((Stopwatch.GetTimestamp() - started) / ticksPerRequest) + 1);
            for (; next < due; next++)
            {
                var scheduled = started + (long)(next * ticksPerRequest);
                if (Interlocked.Read(ref outstanding) >= MaxOutstanding)
                {
                    recorder.RecordError("generator-backlog");
                    continue;
                }

                Interlocked.Increment(ref outstanding);
                var call = mix.Next(random);
                inFlight.Add(Task.Run(async () =>
                {
                    recorder.RecordDispatchLag(Stopwatch.GetElapsedTime(scheduled));
                    await SendOneAsync(call, scheduled, recorder, cancellationToken);
                    Interlocked.Decrement(ref outstanding);
                }, cancellationToken));
            }

            inFlight.RemoveAll(t => t.IsCompleted);
            await Task.Delay(1, cancellationToken);
        }

        await Task.WhenAll(inFlight);
        return next;
    }

    private async Task SendOneAsync(RelayCall call, long scheduled, LatencyRecorder recorder, CancellationToken cancellationToken)
    {
        try
        {
            var cache = await _client.SendAsync(call, cancellationToken);
            recorder.RecordSuccess(Stopwatch.GetElapsedTime(scheduled), cache);
        }
        catch (RelayCallException ex)
        {
            recorder.RecordError(ex.Kind);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
