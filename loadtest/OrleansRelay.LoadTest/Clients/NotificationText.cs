using System.Globalization;

namespace OrleansRelay.LoadTest.Clients;

/// <summary>
/// The text of a load-test notification: JSON with a run-unique id and the <see cref="System.Diagnostics.Stopwatch"/>
/// timestamp it was scheduled at (the generator's own clock, so the subscriber side measures device → subscriber end
/// to end in the same process): <c>{"loadtest":17,"scheduled":123456789}</c>.
/// </summary>
internal static class NotificationText
{
    private const string IdField = "{\"loadtest\":";
    private const string ScheduledField = ",\"scheduled\":";

    public static string Format(long id, long scheduledTimestamp) =>
        string.Create(CultureInfo.InvariantCulture, $"{IdField}{id}{ScheduledField}{scheduledTimestamp}}}");

    /// <summary>The id and scheduled timestamp, or false for any other text (not from this load test).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out long id, out long scheduledTimestamp)
    {
        id = 0;
        scheduledTimestamp = 0;
        if (!text.StartsWith(IdField, StringComparison.Ordinal) || !text.EndsWith('}'))
        {
            return false;
        }

        var rest = text[IdField.Length..^1];
        var split = rest.IndexOf(ScheduledField, StringComparison.Ordinal);
        return split > 0
            && long.TryParse(rest[..split], NumberStyles.None, CultureInfo.InvariantCulture, out id)
            && long.TryParse(rest[(split + ScheduledField.Length)..], NumberStyles.None, CultureInfo.InvariantCulture, out scheduledTimestamp);
    }
}
