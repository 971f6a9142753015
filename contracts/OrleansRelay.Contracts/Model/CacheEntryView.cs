namespace OrleansRelay.Contracts.Model;

/// <summary>One cached representation, as operators see it.</summary>
/// <param name="Uri">Normalized path and query.</param>
/// <param name="Variant">The request header values it was selected by (credentials shown as hashes).</param>
/// <param name="Bytes">Bytes it holds.</param>
/// <param name="Age">Its age (device's Age plus time in the cache).</param>
/// <param name="FreshFor">How long it stays fresh; zero or less means it must be revalidated before use.</param>
/// <param name="ETag">The entity tag clients see.</param>
[GenerateSerializer, Immutable, Alias("OrleansRelay.CacheEntryView")]
public sealed record CacheEntryView(
    [property: Id(0)] string Uri,
    [property: Id(1)] string Variant,
    [property: Id(2)] long Bytes,
    [property: Id(3)] TimeSpan Age,
    [property: Id(4)] TimeSpan FreshFor,
    [property: Id(5)] string ETag);
