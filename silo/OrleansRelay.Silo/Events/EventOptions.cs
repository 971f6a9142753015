namespace OrleansRelay.Silo.Events;

/// <summary>The replay window of device event logs. Bound from the <c>Events</c> configuration section.</summary>
public sealed class EventOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Events";

    /// <summary>Most events kept per device for replay (<c>Last-Event-ID</c>).</summary>
    public int ReplayCount { get; set; } = 1000;

    /// <summary>How long events stay replayable.</summary>
    public TimeSpan ReplayAge { get; set; } = TimeSpan.FromHours(24);
}
