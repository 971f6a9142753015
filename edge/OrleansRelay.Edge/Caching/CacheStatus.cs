namespace OrleansRelay.Edge.Caching;

/// <summary>Values of the <c>X-Cache</c> response header.</summary>
internal static class CacheStatus
{
    public const string HeaderName = "X-Cache";

    /// <summary>Served from the cache (possibly after a conditional revalidation with the device).</summary>
    public const string Hit = "HIT";

    /// <summary>Cacheable, but fetched from the device (and stored if the response allowed it).</summary>
    public const string Miss = "MISS";

    /// <summary>Not eligible for the cache: not a GET, the client asked to bypass, or the cache is off.</summary>
    public const string Bypass = "BYPASS";
}
