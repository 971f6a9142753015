namespace OrleansRelay.Edge.Caching;

/// <summary>The directives of one <c>Cache-Control</c> header value (RFC 9111 §5.2), names lower-cased.</summary>
internal sealed class CacheControl
{
    private readonly Dictionary<string, string?> _directives;

    private CacheControl(Dictionary<string, string?> directives)
    {
        _directives = directives;
    }

    public static CacheControl Parse(string? value)
    {
        var directives = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                directives[part] = null;
            }
            else
            {
                directives[part[..equals].Trim()] = part[(equals + 1)..].Trim().Trim('"');
            }
        }

        return new CacheControl(directives);
    }

    public bool Has(string directive) => _directives.ContainsKey(directive);

    /// <summary>A delta-seconds directive (<c>max-age</c>, <c>s-maxage</c>); malformed values count as 0 (stale), as RFC 9111 asks.</summary>
    public TimeSpan? Seconds(string directive)
    {
        if (!_directives.TryGetValue(directive, out var value))
        {
            return null;
        }

        return long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(Math.Min(seconds, int.MaxValue))
            : TimeSpan.Zero;
    }
}
