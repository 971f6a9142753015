using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace OrleansRelay.Edge.Hosting;

/// <summary>TLS on the device port (<c>Edge:DeviceTls</c>). Without a certificate the port speaks plain TCP (TLS offloaded to a load balancer).</summary>
public sealed record DeviceTlsOptions
{
    /// <summary>The edge's certificate: PEM (with <see cref="KeyPath"/> or the key in the same file) or PKCS#12 (.pfx).</summary>
    public string? CertificatePath { get; init; }

    /// <summary>PEM private key of <see cref="CertificatePath"/>.</summary>
    public string? KeyPath { get; init; }

    /// <summary>Password of a .pfx certificate.</summary>
    public string? CertificatePassword { get; init; }

    /// <summary>
    /// Client certificates (mutual TLS): <c>NoCertificate</c>, <c>AllowCertificate</c> (default: devices may present one)
    /// or <c>RequireCertificate</c>. A presented certificate binds the connection to the device id in its subject CN.
    /// </summary>
    public ClientCertificateMode ClientCertificateMode { get; init; } = ClientCertificateMode.AllowCertificate;

    /// <summary>PEM bundle of the CA(s) that issue device certificates; without it the system trust store decides.</summary>
    public string? ClientCaPath { get; init; }
}
