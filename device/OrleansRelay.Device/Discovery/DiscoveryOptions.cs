using System.Net;

namespace OrleansRelay.Device.Discovery;

/// <summary>Settings of the discovery responder.</summary>
public sealed record DiscoveryOptions
{
    /// <summary>Address to receive probes on; all interfaces (so broadcasts arrive) by default.</summary>
    public IPAddress BindAddress { get; init; } = IPAddress.Any;

    /// <summary>UDP port probes arrive on.</summary>
    public int Port { get; init; } = DiscoveryMessages.ProbePort;

    /// <summary>UDP port on the prober's address that replies go to.</summary>
    public int ReplyPort { get; init; } = DiscoveryMessages.ReplyPort;

    /// <summary>The device's name in replies.</summary>
    public required string Name { get; init; }

    /// <summary>
    /// The REST API URL in replies. Its host may be <c>0.0.0.0</c> (or <c>*</c> / <c>+</c>): it is then replaced by this
    /// device's address on the interface that reaches the prober.
    /// </summary>
    public required Uri RestApi { get; init; }

    /// <summary>Replies one sender address can get in a burst (reflection guard; see <see cref="ReplyRateLimiter"/>).</summary>
    public int RepliesPerSender { get; init; } = 4;

    /// <summary>How often a sender earns one more reply, up to <see cref="RepliesPerSender"/>.</summary>
    public TimeSpan ReplyRefillInterval { get; init; } = TimeSpan.FromSeconds(1);
}
