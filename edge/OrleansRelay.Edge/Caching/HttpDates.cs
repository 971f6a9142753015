using System.Globalization;

namespace OrleansRelay.Edge.Caching;

/// <summary>HTTP-date parsing and formatting (IMF-fixdate, RFC 9110 §5.6.7).</summary>
internal static class HttpDates
{
    public static DateTimeOffset? Parse(string? value) =>
        DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) ? date : null;

    public static string Format(DateTimeOffset value) => value.ToUniversalTime().ToString("r", CultureInfo.InvariantCulture);
}
