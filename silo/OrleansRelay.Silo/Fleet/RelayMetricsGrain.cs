using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model.Fleet;

namespace OrleansRelay.Silo.Fleet;

/// <summary>The relay's figures of the last 15 minutes, summed over the edges per interval (see <see cref="IRelayMetricsGrain"/>).</summary>
internal sealed class RelayMetricsGrain : Grain, IRelayMetricsGrain
{
    /// <summary>How much history the charts get.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    /// <summary>Samples of one edge are put in the slot of their end time, this wide (the edges' sampling interval).</summary>
    public static readonly TimeSpan Slot = TimeSpan.FromSeconds(5);

    private readonly SortedDictionary<long, Dictionary<string, RelayMetricsSample>> _slots = [];
    private readonly TimeProvider _time;

    public RelayMetricsGrain(TimeProvider time)
    {
        _time = time;
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        DelayDeactivation(TimeSpan.FromDays(3650));
        return Task.CompletedTask;
    }

    public ValueTask Record(RelayMetricsSample sample)
    {
        var slot = sample.At.UtcTicks / Slot.Ticks;
        if (!_slots.TryGetValue(slot, out var edges))
        {
            _slots[slot] = edges = new Dictionary<string, RelayMetricsSample>(StringComparer.Ordinal);
        }

        edges[sample.EdgeId] = sample;
        var oldest = (_time.GetUtcNow() - Window).UtcTicks / Slot.Ticks;
        foreach (var old in _slots.Keys.TakeWhile(key => key < oldest).ToArray())
        {
            _slots.Remove(old);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<RelayMetricsPoint[]> GetSeries()
    {
        var oldest = (_time.GetUtcNow() - Window).UtcTicks / Slot.Ticks;
        return ValueTask.FromResult(_slots.Where(pair => pair.Key >= oldest).Select(pair => Sum(pair.Key, pair.Value.Values)).ToArray());
    }

    private static RelayMetricsPoint Sum(long slot, IReadOnlyCollection<RelayMetricsSample> samples)
    {
        var perSecond = new double[5];
        double weightedMedian = 0, p99 = 0;
        long requests = 0;
        foreach (var sample in samples)
        {
            var seconds = Math.Max(sample.Seconds, 0.001);
            var count = 0L;
            for (var i = 0; i < perSecond.Length && i < sample.Requests.Length; i++)
            {
                perSecond[i] += sample.Requests[i] / seconds;
                count += sample.Requests[i];
            }

            requests += count;
            weightedMedian += sample.P50Ms * count;
            p99 = Math.Max(p99, sample.P99Ms);
        }

        return new RelayMetricsPoint(
            new DateTimeOffset((slot + 1) * Slot.Ticks, TimeSpan.Zero),
            perSecond,
            requests > 0 ? weightedMedian / requests : 0,
            p99,
            samples.Sum(s => s.DevicesOnline),
            samples.Sum(s => s.Notifications / Math.Max(s.Seconds, 0.001)),
            samples.Count);
    }
}
