namespace OrleansRelay.Edge.Caching;

/// <summary>Entity-tag comparisons of conditional requests (RFC 9110 §8.8.3, §13.1).</summary>
internal static class EntityTags
{
    /// <summary><c>If-None-Match</c>: weak comparison; <c>*</c> matches any current representation.</summary>
    public static bool NoneMatchHits(string ifNoneMatch, string etag) =>
        ifNoneMatch.Trim() == "*" || Tags(ifNoneMatch).Any(tag => Opaque(tag) == Opaque(etag));

    /// <summary><c>If-Match</c>: strong comparison; <c>*</c> matches any current representation.</summary>
    public static bool MatchHolds(string ifMatch, string etag) =>
        ifMatch.Trim() == "*" || (!IsWeak(etag) && Tags(ifMatch).Any(tag => !IsWeak(tag) && tag == etag));

    private static IEnumerable<string> Tags(string list) =>
        list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static bool IsWeak(string tag) => tag.StartsWith("W/", StringComparison.Ordinal);

    private static string Opaque(string tag) => IsWeak(tag) ? tag[2..] : tag;
}
