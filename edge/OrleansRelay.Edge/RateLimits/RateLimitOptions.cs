namespace OrleansRelay.Edge.RateLimits;

/// <summary>
/// Request rate limits on the client API (section <c>RateLimits</c>; environment <c>RateLimits__UserPermitsPerSecond</c>
/// etc.). Token buckets: a steady rate per second and a burst. Counted per edge process: with N edges a caller can
/// reach up to N times these rates. Operators (the admin key) are never limited. A rate of 0 turns that limit off.
/// </summary>
public sealed record RateLimitOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "RateLimits";

    /// <summary>False turns every limit of this section off (sign-in throttling in <c>Auth</c> stays).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Requests per second from one client address to the <c>/v1</c> API, counted before authentication.</summary>
    public int AddressPermitsPerSecond { get; init; } = 1000;

    /// <summary>Burst of <see cref="AddressPermitsPerSecond"/>.</summary>
    public int AddressBurst { get; init; } = 2000;

    /// <summary>Relayed requests per second by one user (all of the user's devices together).</summary>
    public int UserPermitsPerSecond { get; init; } = 200;

    /// <summary>Burst of <see cref="UserPermitsPerSecond"/>.</summary>
    public int UserBurst { get; init; } = 400;

    /// <summary>Relayed requests per second to one device by all its users together (after access was granted).</summary>
    public int DevicePermitsPerSecond { get; init; } = 100;

    /// <summary>Burst of <see cref="DevicePermitsPerSecond"/>.</summary>
    public int DeviceBurst { get; init; } = 200;
}
