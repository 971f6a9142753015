using System.Globalization;

namespace OrleansRelay.FunctionalTests.TestUtilities;

/// <summary>
/// Samples this process's resident set (<c>VmRSS</c> in <c>/proc/self/status</c>) every 20 ms from a baseline taken
/// after a full collection, and reports the largest growth seen.
/// </summary>
internal sealed class RssSampler : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private long _max;

    private RssSampler()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Baseline = _max = Read();
        _sampling = Task.Run(SampleAsync);
    }

    /// <summary>Resident bytes when sampling started.</summary>
    public long Baseline { get; }

    /// <summary>Largest resident bytes seen so far.</summary>
    public long Max => Interlocked.Read(ref _max);

    /// <summary>Largest growth over the baseline so far.</summary>
    public long Growth => Max - Baseline;

    public static RssSampler Start() => new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        _stop.Dispose();
    }

    private static long Read()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                // "VmRSS:     123456 kB"
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException("/proc/self/status has no VmRSS line.");
    }

    private async Task SampleAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                var now = Read();
                if (now > Interlocked.Read(ref _max))
                {
                    Interlocked.Exchange(ref _max, now);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }
}
