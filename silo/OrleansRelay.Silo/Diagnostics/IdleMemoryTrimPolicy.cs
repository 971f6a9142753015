namespace OrleansRelay.Silo.Diagnostics;

/// <summary>
/// When to trim (<see cref="IdleMemoryTrimmer"/>): after <see cref="IdleMemoryTrimOptions.QuietChecks"/> quiet checks
/// in a row, with at least <see cref="IdleMemoryTrimOptions.MinSurplusBytes"/> committed beyond the heap, and not
/// sooner than <see cref="IdleMemoryTrimOptions.MinInterval"/> after the last trim. Pure: the trimmer feeds it samples.
/// </summary>
public sealed class IdleMemoryTrimPolicy(IdleMemoryTrimOptions options)
{
    private long? _allocatedBefore;
    private int _quietChecks;
    private DateTimeOffset? _trimmedAt;

    /// <summary>Bytes allocated between the last two checks (null before the second).</summary>
    public long? LastAllocatedBytes { get; private set; }

    /// <summary>
    /// One check: <paramref name="totalAllocatedBytes"/> since the process started, the GC's committed bytes and heap
    /// size. True: trim now (and the policy counts it as done at <paramref name="now"/>).
    /// </summary>
    public bool Observe(DateTimeOffset now, long totalAllocatedBytes, long committedBytes, long heapBytes)
    {
        LastAllocatedBytes = _allocatedBefore is { } before ? totalAllocatedBytes - before : null;
        var allocated = LastAllocatedBytes ?? long.MaxValue;
        _allocatedBefore = totalAllocatedBytes;
        var quietLimit = options.QuietAllocationBytesPerSecond * Math.Max(options.CheckInterval.TotalSeconds, 0.001);
        _quietChecks = allocated <= quietLimit ? _quietChecks + 1 : 0;
        if (_quietChecks < Math.Max(1, options.QuietChecks)
            || committedBytes - heapBytes < options.MinSurplusBytes
            || (_trimmedAt is { } last && now - last < options.MinInterval))
        {
            return false;
        }

        _trimmedAt = now;
        _quietChecks = 0;
        return true;
    }
}
