using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.Security;

/// <summary>
/// One silo, one edge with default limits, and two devices whose local services record every byte they receive:
/// <see cref="DeviceA"/> is the one tests attack through, <see cref="DeviceB"/> the one no attack may reach.
/// </summary>
public sealed class SecurityFixture : IAsyncLifetime
{
    public const string DeviceA = "sec-a";
    public const string DeviceB = "sec-b";

    /// <summary>Response headers that act on the whole origin, and one Kestrel cannot write; every device service here sends them.</summary>
    internal static readonly string[] OriginHeaders =
    [
        "Set-Cookie: device-session=stolen; Path=/",
        "Access-Control-Allow-Origin: https://evil.example",
        "Access-Control-Allow-Credentials: true",
        "Strict-Transport-Security: max-age=31536000; includeSubDomains",
        "Clear-Site-Data: \"storage\"",
        "X-Non-Ascii: caf\u00e9",
        "X-Device-Header: kept",
    ];

    internal TestSilo Silo { get; private set; } = null!;

    internal TestEdge Edge { get; private set; } = null!;

    internal RecordingDeviceService ServiceA { get; private set; } = null!;

    internal RecordingDeviceService ServiceB { get; private set; } = null!;

    internal string SecretA { get; private set; } = null!;

    private TestDaemon _daemonA = null!;
    private TestDaemon _daemonB = null!;

    public async ValueTask InitializeAsync()
    {
        Silo = await TestSilo.StartAsync();
        Edge = await TestEdge.StartAsync(Silo.Cluster);
        ServiceA = RecordingDeviceService.Start(DeviceA, OriginHeaders);
        ServiceB = RecordingDeviceService.Start(DeviceB, OriginHeaders);
        SecretA = await Edge.ProvisionAsync(DeviceA);
        _daemonA = await TestDaemon.StartAsync(DeviceA, SecretA, ServiceA.BaseUri, Edge.DevicePort);
        _daemonB = await TestDaemon.StartAsync(DeviceB, await Edge.ProvisionAsync(DeviceB), ServiceB.BaseUri, Edge.DevicePort);
    }

    public async ValueTask DisposeAsync()
    {
        await _daemonB.DisposeAsync();
        await _daemonA.DisposeAsync();
        await Edge.DisposeAsync();
        await ServiceB.DisposeAsync();
        await ServiceA.DisposeAsync();
        await Silo.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class SecurityCollection : ICollectionFixture<SecurityFixture>
{
    public const string Name = "Security";
}
