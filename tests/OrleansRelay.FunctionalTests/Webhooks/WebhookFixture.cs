using OrleansRelay.FunctionalTests.TestUtilities;
using OrleansRelay.Silo.Webhooks;

namespace OrleansRelay.FunctionalTests.Webhooks;

/// <summary>
/// A silo that may deliver to loopback (the receivers are on 127.0.0.1) with short backoff, one edge and a device
/// service; each test starts its own daemon (device) and receivers.
/// </summary>
public sealed class WebhookFixture : IAsyncLifetime
{
    /// <summary>Retries of one event stop this long after it was recorded (long enough for the scripted failures).</summary>
    public static readonly TimeSpan MaxRetryDuration = TimeSpan.FromSeconds(8);

    internal TestSilo Silo { get; private set; } = null!;

    internal TestEdge Edge { get; private set; } = null!;

    internal TestDeviceService Service { get; private set; } = null!;

    /// <summary>A fresh device id for one test (the fixture's cluster outlives the tests).</summary>
    public static string NewDeviceId(string purpose) => $"wh-{purpose}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Provisions <paramref name="deviceId"/> and starts its daemon against the fixture's edge and service.</summary>
    internal async Task<TestDaemon> StartDeviceAsync(string deviceId) =>
        await TestDaemon.StartAsync(deviceId, await Edge.ProvisionAsync(deviceId), Service.BaseUri, Edge.DevicePort);

    public async ValueTask InitializeAsync()
    {
        Silo = await TestSilo.StartAsync(TestSilo.NewLocalCluster(), new(), silo => silo.Services.Configure<WebhookOptions>(o =>
        {
            o.AllowPrivateTargets = true;
            o.InitialBackoff = TimeSpan.FromMilliseconds(50);
            o.MaxBackoff = TimeSpan.FromMilliseconds(200);
            o.AttemptTimeout = TimeSpan.FromSeconds(1);
            o.MaxRetryDuration = MaxRetryDuration;
        }));
        Edge = await TestEdge.StartAsync(Silo.Cluster);
        Service = await TestDeviceService.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Edge.DisposeAsync();
        await Service.DisposeAsync();
        await Silo.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class WebhookCollection : ICollectionFixture<WebhookFixture>
{
    public const string Name = "Webhooks";
}
