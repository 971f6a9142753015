using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansRelay.FunctionalTests.TestUtilities;

/// <summary>A throwaway CA made in the test, issuing server and device certificates, written as PEM files for the edge.</summary>
internal sealed class TestCertificates : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("orleansrelay-tls-");

    private TestCertificates(X509Certificate2 ca)
    {
        Ca = ca;
        CaPath = Write("ca.pem", ca.ExportCertificatePem());
    }

    public X509Certificate2 Ca { get; }

    public string CaPath { get; }

    public static TestCertificates CreateCa(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var now = DateTimeOffset.UtcNow;
        return new TestCertificates(request.CreateSelfSigned(now.AddHours(-1), now.AddDays(2)));
    }

    /// <summary>A self-signed server certificate (with its key) for <c>localhost</c> and 127.0.0.1, as a LAN device would carry.</summary>
    public static X509Certificate2 SelfSignedServer(string dnsName = "localhost")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={dnsName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(dnsName);
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
    }

    /// <summary>A server certificate for <c>localhost</c> and 127.0.0.1; returns (certificate, cert path, key path).</summary>
    public (X509Certificate2 Certificate, string CertPath, string KeyPath) IssueServer(string dnsName = "localhost") =>
        Issue($"CN={dnsName}", "server", serverAuth: true, san =>
        {
            san.AddDnsName(dnsName);
            san.AddIpAddress(IPAddress.Loopback);
        });

    /// <summary>A device client certificate whose CN is <paramref name="deviceId"/>.</summary>
    public X509Certificate2 IssueDevice(string deviceId) => Issue($"CN={deviceId}", deviceId, serverAuth: false, _ => { }).Certificate;

    private (X509Certificate2 Certificate, string CertPath, string KeyPath) Issue(string subject, string file, bool serverAuth, Action<SubjectAlternativeNameBuilder> names)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [serverAuth ? new Oid("1.3.6.1.5.5.7.3.1") : new Oid("1.3.6.1.5.5.7.3.2")], false));
        var san = new SubjectAlternativeNameBuilder();
        names(san);
        request.CertificateExtensions.Add(san.Build());
        var now = DateTimeOffset.UtcNow;
        using var issued = request.Create(Ca, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(16));
        var withKey = issued.CopyWithPrivateKey(key);
        var certPath = Write($"{file}.pem", withKey.ExportCertificatePem());
        var keyPath = Write($"{file}.key", key.ExportPkcs8PrivateKeyPem());
        return (withKey, certPath, keyPath);
    }

    private string Write(string name, string pem)
    {
        var path = Path.Combine(_directory.FullName, name);
        File.WriteAllText(path, pem);
        return path;
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
