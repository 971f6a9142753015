namespace OrleansRelay.Contracts.Model;

/// <summary>A device's response cache, as operators see it.</summary>
[GenerateSerializer, Immutable, Alias("OrleansRelay.DeviceCacheView")]
public sealed record DeviceCacheView(
    [property: Id(0)] long Bytes,
    [property: Id(1)] long Evictions,
    [property: Id(2)] CacheEntryView[] Entries);
