namespace OrleansRelay.Edge.Diagnostics;

/// <summary>The names of the edge's limits: the <c>limit</c> tag of <c>orleansrelay.edge.limit.rejections</c> and the reasons in logs.</summary>
internal static class Limits
{
    /// <summary>A device connection sent no complete hello within <c>Edge:HelloTimeout</c>.</summary>
    public const string HandshakeTimeout = "handshake-timeout";

    /// <summary>Too many connections from one address were in their handshake at once.</summary>
    public const string PendingPerAddress = "pending-per-address";

    /// <summary>A device stopped reading: its outbound queue passed the limit or its socket accepted nothing for too long.</summary>
    public const string DeviceBackpressure = "device-backpressure";

    /// <summary>Relayed requests per client address.</summary>
    public const string RateAddress = "rate-address";

    /// <summary>Relayed requests per user.</summary>
    public const string RateUser = "rate-user";

    /// <summary>Relayed requests per device.</summary>
    public const string RateDevice = "rate-device";

    /// <summary>Sign-in and other credential posts per client address.</summary>
    public const string SignIn = "sign-in";

    /// <summary>An event subscriber (SSE or SignalR) fell 10,000 events behind and was ended.</summary>
    public const string EventSubscriberOverflow = "event-subscriber-overflow";

    /// <summary>An event stream's client stopped reading: one write waited longer than <c>Edge:EventWriteTimeout</c>.</summary>
    public const string EventSubscriberStalled = "event-subscriber-stalled";
}
