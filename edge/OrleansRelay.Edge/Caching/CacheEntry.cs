using OrleansRelay.Edge.Relaying;

namespace OrleansRelay.Edge.Caching;

/// <summary>One cached representation: a 200 response to a GET of <see cref="Uri"/> for one set of selecting request headers.</summary>
internal sealed class CacheEntry
{
    public required string Uri { get; init; }

    public required string Path { get; init; }

    /// <summary>Request header values this representation was selected by (names lower-cased; secrets hashed).</summary>
    public required IReadOnlyDictionary<string, string> Selecting { get; init; }

    public required RelayResponse Response { get; set; }

    public required string ETag { get; init; }

    /// <summary>Whether the device sent the ETag (and so can revalidate it); otherwise the cache generated it from the body.</summary>
    public required bool DeviceETag { get; init; }

    public DateTimeOffset? LastModified { get; init; }

    public required DateTimeOffset StoredAt { get; set; }

    public required DateTimeOffset FreshUntil { get; set; }

    /// <summary>The age the response already had when it arrived (the device's <c>Age</c> header).</summary>
    public TimeSpan InitialAge { get; set; }

    public required long Size { get; init; }

    internal LinkedListNode<CacheEntry>? Node { get; set; }

    /// <summary>Whether the device can tell us whether our copy is still current.</summary>
    public bool CanRevalidate => DeviceETag || LastModified is not null;

    public bool IsFresh(DateTimeOffset now) => now < FreshUntil;

    public TimeSpan Age(DateTimeOffset now) => InitialAge + (now - StoredAt);
}
