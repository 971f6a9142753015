using System.Diagnostics;

namespace OrleansRelay.Silo.Hosting;

/// <summary>
/// The clock the silo's membership services (and its watchdog) run on: system time, with timestamps counted from the
/// clock's creation instead of from the machine's boot.
/// </summary>
/// <remarks>
/// Orleans 10.4.2's <c>Watchdog.Start</c> starts its platform thread before it sets the component check's first
/// timestamp; when that thread checks first, it measures from timestamp 0, which for the system clock is the machine's
/// boot, and warns "Participant check thread has not completed for &lt;the machine's uptime&gt;" (and records a health
/// event against the silo) at start, although nothing stalled. Measured from this clock's creation, the same reading is
/// the silo's age at start, far below the twice-the-check-period (20 s) the warning needs. Every other use of these
/// timestamps takes differences, which an origin does not change.
/// </remarks>
public sealed class MembershipClock : TimeProvider
{
    private readonly long _origin = Stopwatch.GetTimestamp();

    /// <inheritdoc />
    public override long GetTimestamp() => Stopwatch.GetTimestamp() - _origin;
}
