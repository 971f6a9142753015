using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using OrleansRelay.Wire;

namespace OrleansRelay.Edge.Hosting;

/// <summary>Kestrel's TLS settings for the device port, from <see cref="DeviceTlsOptions"/>.</summary>
internal static class DeviceTlsSetup
{
    public static HttpsConnectionAdapterOptions Create(DeviceTlsOptions options)
    {
        var certificate = DeviceCertificates.LoadWithKey(options.CertificatePath!, options.KeyPath, options.CertificatePassword);
        var clientRoots = options.ClientCaPath is null ? null : DeviceCertificates.LoadBundle(options.ClientCaPath);
        return new HttpsConnectionAdapterOptions
        {
            ServerCertificate = certificate,
            ClientCertificateMode = options.ClientCertificateMode,
            ClientCertificateValidation = (client, _, errors) => clientRoots is null ? errors == SslPolicyErrors.None : ChainsTo(client, clientRoots),
        };
    }

    /// <summary>Whether <paramref name="client"/> chains to one of the device CAs (revocation is not checked: devices rotate by re-provisioning).</summary>
    private static bool ChainsTo(X509Certificate2 client, X509Certificate2Collection roots)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        return chain.Build(client);
    }
}
