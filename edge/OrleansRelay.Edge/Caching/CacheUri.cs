namespace OrleansRelay.Edge.Caching;

/// <summary>
/// Normalizes a request target for cache keys: the path as sent, and the query parameters sorted (by name, then
/// value, ordinal), so <c>/zones?b=2&amp;a=1</c> and <c>/zones?a=1&amp;b=2</c> share one entry.
/// </summary>
internal static class CacheUri
{
    public static (string Path, string Normalized) Normalize(string pathAndQuery)
    {
        var question = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        if (question < 0)
        {
            return (pathAndQuery, pathAndQuery);
        }

        var path = pathAndQuery[..question];
        var parameters = pathAndQuery[(question + 1)..]
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Order(StringComparer.Ordinal)
            .ToArray();
        return (path, parameters.Length == 0 ? path : $"{path}?{string.Join('&', parameters)}");
    }

    /// <summary>The parent collection of a path: <c>/zones/1</c> → <c>/zones</c>; <c>/zones</c> → <c>/</c>; <c>/</c> → none.</summary>
    public static string? Parent(string path)
    {
        var trimmed = path.Length > 1 ? path.TrimEnd('/') : path;
        if (trimmed == "/")
        {
            return null;
        }

        var slash = trimmed.LastIndexOf('/');
        return slash <= 0 ? "/" : trimmed[..slash];
    }
}
