using System.Security.Cryptography;
using System.Text;

namespace OrleansRelay.Edge.Caching;

/// <summary>
/// The request headers a cached representation is selected by: always <c>Accept</c> and <c>X-Device-Authorization</c>
/// (one user's device-token response must never reach another), plus whatever the device's <c>Vary</c> names.
/// Credential values are kept only as hashes.
/// </summary>
internal static class SelectingHeaders
{
    public static readonly string[] Always = ["accept", "x-device-authorization"];

    private static readonly HashSet<string> Secret = new(StringComparer.OrdinalIgnoreCase) { "x-device-authorization", "authorization", "cookie" };

    public static Dictionary<string, string> Capture(KeyValuePair<string, string>[] requestHeaders, IEnumerable<string> names)
    {
        var selecting = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in names)
        {
            selecting[name.ToLowerInvariant()] = Value(requestHeaders, name);
        }

        return selecting;
    }

    public static bool Matches(IReadOnlyDictionary<string, string> selecting, KeyValuePair<string, string>[] requestHeaders)
    {
        foreach (var (name, value) in selecting)
        {
            if (Value(requestHeaders, name) != value)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Header names from the device's <c>Vary</c>, lower-cased.</summary>
    public static IEnumerable<string> Vary(KeyValuePair<string, string>[] responseHeaders) =>
        (HeaderList.Get(responseHeaders, "Vary") ?? string.Empty)
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(n => n.ToLowerInvariant());

    private static string Value(KeyValuePair<string, string>[] headers, string name)
    {
        var value = HeaderList.Get(headers, name) ?? string.Empty;
        return Secret.Contains(name) && value.Length > 0
            ? Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value)))
            : value;
    }
}
