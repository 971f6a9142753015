using System.Diagnostics;
using System.Globalization;
using HdrHistogram;

namespace OrleansRelay.Bench.Streams;

/// <summary>
/// Where both paths record: each notification's text is <c>bench {index} {Stopwatch timestamp at the send}</c>, and
/// silo, consumer and "edge" share this process and its clock. Indices below the warm-up count are not recorded.
/// </summary>
internal sealed class LatencyRecorder
{
    private readonly LongHistogram _histogram = new(TimeSpan.FromMinutes(1).Ticks, 3);
    private int _received;

    public static LatencyRecorder Consumer { get; set; } = new();

    public static LatencyRecorder Observer { get; set; } = new();

    public static int Warmup { get; set; }

    public int Received => Volatile.Read(ref _received);

    public LongHistogram Histogram => _histogram;

    public void Record(string text)
    {
        var now = Stopwatch.GetTimestamp();
        var parts = text.Split(' ');
        if (parts.Length != 3 || parts[0] != "bench")
        {
            return;
        }

        Interlocked.Increment(ref _received);
        if (int.Parse(parts[1], CultureInfo.InvariantCulture) >= Warmup)
        {
            var micros = (long)Stopwatch.GetElapsedTime(long.Parse(parts[2], CultureInfo.InvariantCulture), now).TotalMicroseconds;
            lock (_histogram)
            {
                _histogram.RecordValue(micros);
            }
        }
    }
}
