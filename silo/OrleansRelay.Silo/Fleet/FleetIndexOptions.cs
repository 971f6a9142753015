namespace OrleansRelay.Silo.Fleet;

/// <summary>How the fleet index is written and kept correct. Bound from the <c>Fleet</c> configuration section.</summary>
public sealed class FleetIndexOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Fleet";

    /// <summary>How often a silo writes the index changes its device grains queued (one batch per store call).</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>An online device's row is rewritten (unchanged) at least this often, from its edge's re-announcements.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>How often a silo looks for rows that may be wrong (online on a lost edge, or not refreshed in time).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>An online row not rewritten for this long is checked against its device's grain.</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the index records a device's newest notification time (notifications in between are folded in).</summary>
    public TimeSpan NotificationInterval { get; set; } = TimeSpan.FromSeconds(10);
}
