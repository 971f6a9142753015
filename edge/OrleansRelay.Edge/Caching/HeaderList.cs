namespace OrleansRelay.Edge.Caching;

/// <summary>Case-insensitive lookups in relayed header arrays (names may repeat; values of a repeated name are joined with ", ").</summary>
internal static class HeaderList
{
    public static string? Get(KeyValuePair<string, string>[] headers, string name)
    {
        string? value = null;
        foreach (var (key, item) in headers)
        {
            if (key.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                value = value is null ? item : $"{value}, {item}";
            }
        }

        return value;
    }

    public static KeyValuePair<string, string>[] Without(KeyValuePair<string, string>[] headers, params string[] names) =>
        [.. headers.Where(h => !names.Contains(h.Key, StringComparer.OrdinalIgnoreCase))];

    public static KeyValuePair<string, string>[] With(KeyValuePair<string, string>[] headers, params KeyValuePair<string, string>[] replacements)
    {
        var result = new List<KeyValuePair<string, string>>(headers.Length + replacements.Length);
        foreach (var header in headers)
        {
            if (!replacements.Any(r => r.Key.Equals(header.Key, StringComparison.OrdinalIgnoreCase)))
            {
                result.Add(header);
            }
        }

        result.AddRange(replacements);
        return [.. result];
    }
}
