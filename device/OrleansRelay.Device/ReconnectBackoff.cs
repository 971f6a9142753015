namespace OrleansRelay.Device;

/// <summary>
/// Exponential backoff with "equal jitter": the delay doubles per failure up to a cap, and half of it is random, so
/// thousands of devices dropped by one edge do not come back in lockstep (the reconnect storms of the old design).
/// </summary>
public sealed class ReconnectBackoff
{
    private readonly TimeSpan _initial;
    private readonly TimeSpan _max;
    private readonly Random _random;
    private int _failures;

    /// <summary>Creates the backoff.</summary>
    public ReconnectBackoff(TimeSpan initial, TimeSpan max, Random? random = null)
    {
        _initial = initial;
        _max = max;
        _random = random ?? Random.Shared;
    }

    /// <summary>Failed attempts since the last success.</summary>
    public int Failures => _failures;

    /// <summary>Records a failure and returns how long to wait before the next attempt.</summary>
    public TimeSpan NextDelay()
    {
        var exponent = Math.Min(_failures, 30);
        _failures++;
        var ceiling = Math.Min(_max.TotalMilliseconds, _initial.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds((ceiling / 2) + (_random.NextDouble() * ceiling / 2));
    }

    /// <summary>Records a success: the next failure starts from the initial delay again.</summary>
    public void Reset() => _failures = 0;
}
