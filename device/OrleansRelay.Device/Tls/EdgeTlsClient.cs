using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansRelay.Device.Tls;

/// <summary>Runs the client side of TLS to an edge and turns certificate problems into one clear sentence.</summary>
internal static class EdgeTlsClient
{
    /// <exception cref="EdgeTlsException">The edge's certificate was not accepted or the handshake failed.</exception>
    public static async Task<SslStream> AuthenticateAsync(Stream transport, string host, EdgeTlsOptions options, CancellationToken cancellationToken)
    {
        var name = options.ServerName ?? host;
        string? problem = null;
        var tls = new SslStream(transport, leaveInnerStreamOpen: false);
        var authentication = new SslClientAuthenticationOptions
        {
            TargetHost = name,
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            {
                problem = Judge(name, options, certificate as X509Certificate2, chain, errors);
                return problem is null;
            },
        };
        if (options.TrustedRoots is { Count: > 0 } roots)
        {
            authentication.CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            authentication.CertificateChainPolicy.CustomTrustStore.AddRange(roots);
        }

        if (options.ClientCertificate is { } client)
        {
            authentication.ClientCertificates = [client];
            authentication.LocalCertificateSelectionCallback = (_, _, _, _, _) => client;
        }

        try
        {
            await tls.AuthenticateAsClientAsync(authentication, cancellationToken);
            return tls;
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            await tls.DisposeAsync();
            throw new EdgeTlsException(problem ?? $"TLS handshake with {name} failed: {ex.Message}", ex);
        }
    }

    /// <summary>Null when the certificate is acceptable, else why not.</summary>
    internal static string? Judge(string name, EdgeTlsOptions options, X509Certificate2? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            return "The edge presented no certificate.";
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return $"The edge's certificate ({certificate.Subject}) is not valid for the name '{name}'; connect by a name it carries or set the expected name (--tls-name).";
        }

        if (options.PinnedSha256 is { } pin)
        {
            var actual = Convert.ToHexString(SHA256.HashData(certificate.RawData));
            var expected = pin.Replace(":", string.Empty, StringComparison.Ordinal).Trim();
            return actual.Equals(expected, StringComparison.OrdinalIgnoreCase)
                ? null
                : $"The edge's certificate SHA-256 {actual} does not match the pinned {expected.ToUpperInvariant()}.";
        }

        if (errors != SslPolicyErrors.None)
        {
            var statuses = chain is null ? errors.ToString() : string.Join(", ", chain.ChainStatus.Select(s => s.Status).Distinct());
            var trust = options.TrustedRoots is { Count: > 0 } ? "the pinned CA (--tls-ca)" : "the system trust store (give --tls-ca for a private CA)";
            return $"The edge's certificate ({certificate.Subject}, issued by {certificate.Issuer}) is not trusted by {trust}: {statuses}.";
        }

        return null;
    }
}
