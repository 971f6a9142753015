using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace OrleansRelay.Device.Lan;

/// <summary>Settings of the daemon's LAN listener (off unless a port is given).</summary>
public sealed record LanAccessOptions
{
    /// <summary>Default LAN port suggested in the docs and the systemd unit.</summary>
    public const int SuggestedPort = 8780;

    /// <summary>Address to listen on; all interfaces by default.</summary>
    public IPAddress BindAddress { get; init; } = IPAddress.Any;

    /// <summary>Port to listen on; 0 picks a free one (tests).</summary>
    public int Port { get; init; }

    /// <summary>Serve HTTPS with this certificate (with its private key); plain HTTP when null.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>Largest request head accepted (Kestrel answers 431 beyond; the request line alone 414 beyond 8 KiB).</summary>
    public int MaxHeadBytes { get; init; } = 32 * 1024;

    /// <summary>Largest request body accepted (413 beyond); LAN request bodies are buffered.</summary>
    public int MaxBodyBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>Most LAN connections served at once; Kestrel closes further ones at once (and logs a warning).</summary>
    public int MaxConnections { get; init; } = 32;

    /// <summary>How long a kept-alive connection may sit idle, and a request head may take to arrive.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the local service may take to answer (504 beyond).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
