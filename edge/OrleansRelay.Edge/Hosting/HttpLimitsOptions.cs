namespace OrleansRelay.Edge.Hosting;

/// <summary>
/// Kestrel's limits on the client API, set explicitly so they are documented and tunable (section <c>HttpLimits</c>;
/// environment: <c>HttpLimits__MaxRequestHeaderCount</c> etc.). Bodies are limited by <c>Edge:MaxBodyBytes</c> (413).
/// </summary>
public sealed record HttpLimitsOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "HttpLimits";

    /// <summary>Total size of a request's headers (HTTP/1.1: 431 beyond).</summary>
    public int MaxRequestHeadersTotalSize { get; init; } = 32 * 1024;

    /// <summary>Number of request headers (HTTP/1.1: 431 beyond).</summary>
    public int MaxRequestHeaderCount { get; init; } = 100;

    /// <summary>Length of the request line (method, target, version; 414 beyond).</summary>
    public int MaxRequestLineSize { get; init; } = 8 * 1024;

    /// <summary>Time a client has to send a request's complete headers; a client sending them slowly is cut (408).</summary>
    public TimeSpan RequestHeadersTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long an idle keep-alive connection stays open.</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(130);

    /// <summary>Slowest request body upload accepted, in bytes per second after <see cref="MinDataRateGracePeriod"/>; slower uploads are cut.</summary>
    public double MinRequestBodyBytesPerSecond { get; init; } = 240;

    /// <summary>
    /// Slowest response read accepted, in bytes per second after <see cref="MinDataRateGracePeriod"/>: a client (an
    /// event stream too) that stops reading while the edge has data for it is disconnected.
    /// </summary>
    public double MinResponseBytesPerSecond { get; init; } = 240;

    /// <summary>Grace period of both minimum data rates.</summary>
    public TimeSpan MinDataRateGracePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Open connections per edge, client API and device port together (refused beyond); null: no limit.</summary>
    public long? MaxConcurrentConnections { get; init; }
}
