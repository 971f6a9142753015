using System.Security.Cryptography.X509Certificates;

namespace OrleansRelay.Wire;

/// <summary>
/// How a device's TLS client certificate names the device: the device id is the certificate subject's common name
/// (<c>CN=&lt;device id&gt;</c>). An edge that receives a client certificate accepts a hello only for that device id.
/// </summary>
public static class DeviceCertificates
{
    /// <summary>The device id a client certificate speaks for; null when its CN is missing or not a valid device id.</summary>
    public static string? DeviceIdOf(X509Certificate2 certificate)
    {
        var commonName = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        return DeviceIds.IsValid(commonName) ? commonName : null;
    }

    /// <summary>Loads a certificate with its private key from PEM (<paramref name="keyPath"/> or the same file) or PKCS#12 (.pfx/.p12).</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The files do not hold a certificate and key.</exception>
    public static X509Certificate2 LoadWithKey(string certificatePath, string? keyPath = null, string? password = null)
    {
        var extension = Path.GetExtension(certificatePath);
        if (extension.Equals(".pfx", StringComparison.OrdinalIgnoreCase) || extension.Equals(".p12", StringComparison.OrdinalIgnoreCase))
        {
            return X509CertificateLoader.LoadPkcs12FromFile(certificatePath, password);
        }

        return X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
    }

    /// <summary>Loads every certificate in a PEM file (a CA bundle), without keys.</summary>
    public static X509Certificate2Collection LoadBundle(string path)
    {
        var bundle = new X509Certificate2Collection();
        bundle.ImportFromPemFile(path);
        return bundle;
    }
}
