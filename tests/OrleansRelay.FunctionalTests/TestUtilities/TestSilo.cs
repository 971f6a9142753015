using Microsoft.Extensions.Hosting;
using OrleansRelay.Silo.Hosting;
using OrleansRelay.Silo.Storage;

namespace OrleansRelay.FunctionalTests.TestUtilities;

/// <summary>A real silo on loopback ports, as the silo host runs it: localhost or Redis clustering, memory or MariaDB storage.</summary>
internal sealed class TestSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private TestSilo(IHost host, RelayClusterOptions cluster, RelayStorageOptions storage)
    {
        _host = host;
        Cluster = cluster;
        Storage = storage;
    }

    public RelayClusterOptions Cluster { get; }

    public RelayStorageOptions Storage { get; }

    /// <summary>Localhost clustering on fresh ports with its own cluster id.</summary>
    public static RelayClusterOptions NewLocalCluster() => new()
    {
        Mode = ClusterMode.Localhost,
        ClusterId = "test-" + Guid.NewGuid().ToString("N")[..8],
        ServiceId = "orleansrelay-tests",
        SiloPort = FreePort.Next(),
        GatewayPort = FreePort.Next(),
    };

    public static Task<TestSilo> StartAsync() => StartAsync(NewLocalCluster(), new RelayStorageOptions());

    public static async Task<TestSilo> StartAsync(RelayClusterOptions cluster, RelayStorageOptions storage, Action<ISiloBuilder>? configure = null)
    {
        await SchemaSetup.EnsureAsync(storage, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        // The test process holds many relays and the test runner in one heap: an idle trim (a blocking full GC) would
        // pause all of them at once, which no production process does. Its policy and hosting have their own tests.
        builder.Configuration["Memory:IdleTrim:Enabled"] = "false";
        builder.UseOrleans(silo =>
        {
            silo.AddRelaySilo(cluster, storage);
            configure?.Invoke(silo);
        });
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return new TestSilo(host, cluster, storage);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
