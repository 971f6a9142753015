namespace OrleansRelay.LoadTest.Measurement;

/// <summary>Samples this process's thread-pool backlog every 100 ms: a growing queue means the load generator cannot keep up.</summary>
internal sealed class ThreadPoolBacklogSampler : IDisposable
{
    private readonly Timer _timer;
    private long _samples;
    private long _total;

    public ThreadPoolBacklogSampler()
    {
        _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(100));
    }

    /// <summary>Average pending work items over the samples so far.</summary>
    public double Average
    {
        get
        {
            var samples = Interlocked.Read(ref _samples);
            return samples == 0 ? 0 : (double)Interlocked.Read(ref _total) / samples;
        }
    }

    private void Sample()
    {
        Interlocked.Add(ref _total, ThreadPool.PendingWorkItemCount);
        Interlocked.Increment(ref _samples);
    }

    public void Dispose() => _timer.Dispose();
}
