using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OrleansRelay.Device;
using OrleansRelay.Device.Tls;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.Device;

/// <summary>TLS between daemon and edge with a CA made in the test: server validation, clear refusals, mutual TLS bound to the device id.</summary>
[Collection(RelayCollection.Name)]
public sealed class EdgeTlsTests(RelayFixture fixture) : IAsyncLifetime
{
    private readonly TestCertificates _pki = TestCertificates.CreateCa("OrleansRelay Test CA");
    private readonly TestCertificates _otherPki = TestCertificates.CreateCa("Someone Else's CA");
    private TestEdge _edge = null!;
    private X509Certificate2 _serverCertificate = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var (certificate, certPath, keyPath) = _pki.IssueServer();
        _serverCertificate = certificate;
        _edge = await TestEdge.StartAsync(fixture.Silo.Cluster, new Dictionary<string, string?>
        {
            ["Edge:DeviceTls:CertificatePath"] = certPath,
            ["Edge:DeviceTls:KeyPath"] = keyPath,
            ["Edge:DeviceTls:ClientCaPath"] = _pki.CaPath,
        });
    }

    private async Task<TestDaemon> LaunchAsync(string deviceId, EdgeTlsOptions tls)
    {
        var secret = await _edge.ProvisionAsync(deviceId);
        return TestDaemon.Launch(TestDaemon.Options(deviceId, secret, fixture.Service.BaseUri, _edge.DevicePort) with { Tls = tls });
    }

    private EdgeTlsOptions TrustingTestCa(string name = "localhost") => new() { ServerName = name, TrustedRoots = [_pki.Ca] };

    [Fact]
    public async Task ServerCertificateFromThePinnedCa_IsAccepted_AndRequestsRelay()
    {
        await using var daemon = await LaunchAsync("tls-ok", TrustingTestCa());
        await Eventually.TrueAsync(() => daemon.AcceptedSessions == 1, "the daemon to connect over TLS");

        using var response = await _edge.Client.GetAsync("/v1/devices/tls-ok/api/echo/over-tls", Token);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task PinnedFingerprint_IsAccepted_WithoutTheCa()
    {
        var pin = Convert.ToHexString(SHA256.HashData(_serverCertificate.RawData));
        await using var daemon = await LaunchAsync("tls-pin", new EdgeTlsOptions { ServerName = "localhost", PinnedSha256 = pin });
        await Eventually.TrueAsync(() => daemon.AcceptedSessions == 1, "the daemon to connect with a pinned fingerprint");
    }

    [Fact]
    public async Task WrongCa_IsRejected_WithAClearError()
    {
        await using var daemon = await LaunchAsync("tls-wrong-ca", new EdgeTlsOptions { ServerName = "localhost", TrustedRoots = [_otherPki.Ca] });
        await Eventually.TrueAsync(() => daemon.Daemon.LastConnectFailure is not null, "the TLS failure");

        Assert.Contains("is not trusted by the pinned CA", daemon.Daemon.LastConnectFailure, StringComparison.Ordinal);
        Assert.Contains("issued by CN=OrleansRelay Test CA", daemon.Daemon.LastConnectFailure, StringComparison.Ordinal);
        Assert.Equal(0, daemon.AcceptedSessions);
    }

    [Fact]
    public async Task WrongName_IsRejected_WithAClearError()
    {
        await using var daemon = await LaunchAsync("tls-wrong-name", TrustingTestCa("edge.example.org"));
        await Eventually.TrueAsync(() => daemon.Daemon.LastConnectFailure is not null, "the TLS failure");

        Assert.Contains("is not valid for the name 'edge.example.org'", daemon.Daemon.LastConnectFailure, StringComparison.Ordinal);
        Assert.Equal(0, daemon.AcceptedSessions);
    }

    [Fact]
    public async Task ClientCertificate_IsMappedToItsDevice()
    {
        await using var daemon = await LaunchAsync("tls-device-a", TrustingTestCa() with { ClientCertificate = _pki.IssueDevice("tls-device-a") });
        await Eventually.TrueAsync(() => daemon.AcceptedSessions == 1, "the device with its own certificate to connect");
    }

    [Fact]
    public async Task ClientCertificateForDeviceA_CannotClaimDeviceB()
    {
        await _edge.ProvisionAsync("tls-claim-a");
        await using var daemon = await LaunchAsync("tls-claim-b", TrustingTestCa() with { ClientCertificate = _pki.IssueDevice("tls-claim-a") });
        await Eventually.TrueAsync(() => daemon.Daemon.LastConnectFailure is not null, "the refusal");

        Assert.Contains("certificate-mismatch", daemon.Daemon.LastConnectFailure, StringComparison.Ordinal);
        Assert.Contains("not for device 'tls-claim-b'", daemon.Daemon.LastConnectFailure, StringComparison.Ordinal);
        Assert.Equal(0, daemon.AcceptedSessions);
    }

    [Fact]
    public async Task ClientCertificateFromAnotherCa_IsRefusedInTheHandshake()
    {
        await using var daemon = await LaunchAsync("tls-foreign", TrustingTestCa() with { ClientCertificate = _otherPki.IssueDevice("tls-foreign") });
        await Eventually.TrueAsync(() => daemon.Daemon.LastConnectFailure is not null, "the refusal");

        Assert.Equal(0, daemon.AcceptedSessions);
    }

    [Fact]
    public async Task PlainTcp_IsRefused_OnATlsPort()
    {
        await using var daemon = await LaunchAsync("tls-plain", null!);
        await Eventually.TrueAsync(() => daemon.Daemon.LastConnectFailure is not null, "the failure");

        Assert.Equal(0, daemon.AcceptedSessions);
    }

    public async ValueTask DisposeAsync()
    {
        await _edge.DisposeAsync();
        _pki.Dispose();
        _otherPki.Dispose();
    }
}
