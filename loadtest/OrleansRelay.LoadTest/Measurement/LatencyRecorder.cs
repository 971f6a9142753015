using System.Collections.Concurrent;
using HdrHistogram;

namespace OrleansRelay.LoadTest.Measurement;

/// <summary>
/// Latencies (µs, HdrHistogram) and outcomes of one load phase. Writers record from any thread; the monitor takes an
/// interval every second (latency over time) and the phase's totals are the sum of its intervals.
/// </summary>
internal sealed class LatencyRecorder
{
    public const long HighestMicroseconds = 60L * 1000 * 1000;

    /// <summary>
    /// A request the open-model scheduler started this much after its scheduled time was late. The scheduler wakes
    /// about every millisecond (more on a busy machine), so lateness below this is its own granularity.
    /// </summary>
    public const long LateDispatchMicros = 5000;

    private readonly Recorder _recorder = HistogramFactory.With64BitBucketSize()
        .WithValuesFrom(1).WithValuesUpTo(HighestMicroseconds).WithPrecisionOf(3)
        .WithThreadSafeWrites().WithThreadSafeReads().Create();

    private readonly ConcurrentDictionary<string, long> _errors = new();
    private readonly LongHistogram _total = new(HighestMicroseconds, 3);
    private readonly Lock _totalLock = new();
    private long _cacheHits;
    private long _cacheMisses;
    private long _intervalErrors;
    private long _dispatchLagMaxMicros;
    private long _dispatchLagLate;
    private long _dispatched;

    public IReadOnlyDictionary<string, long> Errors => _errors;

    public long CacheHits => Interlocked.Read(ref _cacheHits);

    public long CacheMisses => Interlocked.Read(ref _cacheMisses);

    public void RecordSuccess(TimeSpan latency, CacheOutcome cache)
    {
        _recorder.RecordValue(Math.Clamp((long)latency.TotalMicroseconds, 1, HighestMicroseconds));
        if (cache == CacheOutcome.Hit)
        {
            Interlocked.Increment(ref _cacheHits);
        }
        else if (cache == CacheOutcome.Miss)
        {
            Interlocked.Increment(ref _cacheMisses);
        }
    }

    /// <summary>Open model: how late the generator started a request against its schedule (its own saturation).</summary>
    public void RecordDispatchLag(TimeSpan lag)
    {
        var micros = (long)lag.TotalMicroseconds;
        Interlocked.Increment(ref _dispatched);
        if (micros > LateDispatchMicros)
        {
            Interlocked.Increment(ref _dispatchLagLate);
        }

        long seen;
        while (micros > (seen = Interlocked.Read(ref _dispatchLagMaxMicros)) && Interlocked.CompareExchange(ref _dispatchLagMaxMicros, micros, seen) != seen)
        {
        }
    }

    /// <summary>Share of open-model requests the generator started late (<see cref="LateDispatchMicros"/>), and the worst lateness.</summary>
    public (double LateShare, TimeSpan Max) DispatchLag()
    {
        var dispatched = Interlocked.Read(ref _dispatched);
        return (dispatched == 0 ? 0 : (double)Interlocked.Read(ref _dispatchLagLate) / dispatched, TimeSpan.FromMicroseconds(Interlocked.Read(ref _dispatchLagMaxMicros)));
    }

    public void RecordError(string kind)
    {
        _errors.AddOrUpdate(kind, 1, (_, n) => n + 1);
        Interlocked.Increment(ref _intervalErrors);
    }

    /// <summary>The latencies recorded since the last call (added to the phase total) and the errors in it.</summary>
    public (HistogramBase Latency, long Errors) TakeInterval()
    {
        var interval = _recorder.GetIntervalHistogram();
        lock (_totalLock)
        {
            _total.Add(interval);
        }

        return (interval, Interlocked.Exchange(ref _intervalErrors, 0));
    }

    /// <summary>Everything recorded so far (call after a final <see cref="TakeInterval"/>).</summary>
    public LongHistogram Total()
    {
        lock (_totalLock)
        {
            return (LongHistogram)_total.Copy();
        }
    }
}
