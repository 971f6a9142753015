using System.Diagnostics.Metrics;

namespace OrleansRelay.Edge.Caching;

/// <summary>The response cache's instruments (meter <see cref="MeterName"/>), summed over all devices of a silo.</summary>
public sealed class CacheMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "OrleansRelay.Cache";

    private readonly Counter<long> _lookups;
    private readonly Counter<long> _evictions;
    private readonly Counter<long> _coalesced;
    private readonly UpDownCounter<long> _bytes;

    /// <summary>Creates the instruments.</summary>
    public CacheMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _lookups = meter.CreateCounter<long>("orleansrelay.cache.requests", "{request}", "Relayed requests by cache outcome (tag outcome: hit, miss, bypass).");
        _evictions = meter.CreateCounter<long>("orleansrelay.cache.evictions", "{entry}", "Entries evicted to stay within a device's byte budget.");
        _coalesced = meter.CreateCounter<long>("orleansrelay.cache.coalesced", "{request}", "GETs that shared another in-flight request to the device.");
        _bytes = meter.CreateUpDownCounter<long>("orleansrelay.cache.bytes", "By", "Bytes held by the caches of this silo's device grains.");
    }

    internal void Outcome(string status)
    {
        if (_lookups.Enabled)
        {
            _lookups.Add(1, new KeyValuePair<string, object?>("outcome", status.ToLowerInvariant()));
        }
    }

    internal void Evicted() => _evictions.Add(1);

    internal void Coalesced() => _coalesced.Add(1);

    internal void BytesChanged(long delta) => _bytes.Add(delta);
}
