namespace OrleansRelay.Edge.Caching;

/// <summary>The per-device response cache's settings, bound from the <c>Cache</c> configuration section of the edge (the cache lives beside the device sockets).</summary>
public sealed record CacheOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Cache";

    /// <summary>Turns the cache off entirely (every response is <c>X-Cache: BYPASS</c>).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Freshness of a 200 response whose device gave no <c>Cache-Control</c> max-age and no <c>Expires</c>. Zero: such responses are not cached.</summary>
    public TimeSpan DefaultTtl { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Upper bound on any freshness lifetime, including the device's own max-age.</summary>
    public TimeSpan MaxTtl { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Bytes one device's cache may hold; beyond it, least recently used entries are evicted.</summary>
    public long MaxBytesPerDevice { get; init; } = 4 * 1024 * 1024;

    /// <summary>Responses larger than this are relayed but not cached.</summary>
    public long MaxEntryBytes { get; init; } = 512 * 1024;
}
