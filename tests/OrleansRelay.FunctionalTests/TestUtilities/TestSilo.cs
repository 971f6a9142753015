using Microsoft.Extensions.Hosting;
using OrleansRelay.Silo.Hosting;

namespace OrleansRelay.FunctionalTests.TestUtilities;

/// <summary>A real silo on loopback ports (localhost clustering, in-memory storage), as the silo host runs it.</summary>
internal sealed class TestSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private TestSilo(IHost host, RelayClusterOptions cluster)
    {
        _host = host;
        Cluster = cluster;
    }

    public RelayClusterOptions Cluster { get; }

    public static async Task<TestSilo> StartAsync()
    {
        var cluster = new RelayClusterOptions
        {
            Mode = ClusterMode.Localhost,
            ClusterId = "test-" + Guid.NewGuid().ToString("N")[..8],
            ServiceId = "orleansrelay-tests",
            SiloPort = FreePort.Next(),
            GatewayPort = FreePort.Next(),
        };
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo => silo.AddRelaySilo(cluster));
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return new TestSilo(host, cluster);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
