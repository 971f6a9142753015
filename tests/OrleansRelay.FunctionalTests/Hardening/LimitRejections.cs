using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace OrleansRelay.FunctionalTests.Hardening;

/// <summary>Counts <c>orleansrelay.edge.limit.rejections</c> by limit, from every edge in this process.</summary>
internal sealed class LimitRejections : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _counts = new();

    public LimitRejections()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == "orleansrelay.edge.limit.rejections")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "limit", Value: string limit })
                {
                    _counts.AddOrUpdate(limit, value, (_, old) => old + value);
                }
            }
        });
        _listener.Start();
    }

    public long Count(string limit) => _counts.TryGetValue(limit, out var count) ? count : 0;

    public void Dispose() => _listener.Dispose();
}
