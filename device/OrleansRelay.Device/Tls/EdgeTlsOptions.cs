using System.Security.Cryptography.X509Certificates;

namespace OrleansRelay.Device.Tls;

/// <summary>TLS to the edge. Without <see cref="TrustedRoots"/> or <see cref="PinnedSha256"/> the system trust store decides.</summary>
public sealed record EdgeTlsOptions
{
    /// <summary>Name the edge's certificate must carry (and SNI); defaults to the host of the server address.</summary>
    public string? ServerName { get; init; }

    /// <summary>Private CA(s): the edge's chain must end at one of these; the system store is then not consulted.</summary>
    public X509Certificate2Collection? TrustedRoots { get; init; }

    /// <summary>SHA-256 of the edge's certificate (hex, colons allowed): accepted whatever its chain, if the name matches.</summary>
    public string? PinnedSha256 { get; init; }

    /// <summary>Client certificate (with key) for mutual TLS; its CN must be this device's id.</summary>
    public X509Certificate2? ClientCertificate { get; init; }
}
