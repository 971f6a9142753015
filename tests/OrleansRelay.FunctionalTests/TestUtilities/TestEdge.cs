using System.Text.Json;
using OrleansRelay.Edge.Hosting;
using OrleansRelay.Silo.Hosting;

namespace OrleansRelay.FunctionalTests.TestUtilities;

/// <summary>A real edge (Kestrel on loopback, Orleans client to the test silo) and an HTTP client carrying the admin key.</summary>
internal sealed class TestEdge : IAsyncDisposable
{
    public const string AdminKey = "test-admin-key-0123456789";

    private readonly WebApplication _app;

    private TestEdge(WebApplication app)
    {
        _app = app;
        var endpoints = app.Services.GetRequiredService<EdgeEndpoints>();
        HttpEndPoint = endpoints.HttpEndPoint;
        DevicePort = endpoints.DeviceEndPoint.Port;
        Client = new HttpClient { BaseAddress = new Uri($"http://{HttpEndPoint}"), Timeout = TimeSpan.FromSeconds(60) };
        Client.DefaultRequestHeaders.Add("X-Admin-Key", AdminKey);
    }

    public System.Net.IPEndPoint HttpEndPoint { get; }

    public int DevicePort { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<TestEdge> StartAsync(RelayClusterOptions cluster, IDictionary<string, string?>? settings = null, ILoggerProvider? logs = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        // The test process holds many relays and the test runner in one heap: an idle trim (a blocking full GC) would
        // pause all of them at once, which no production process does. Its policy and hosting have their own tests.
        var config = new Dictionary<string, string?>
        {
            ["Memory:IdleTrim:Enabled"] = "false",
            ["Cluster:Mode"] = cluster.Mode.ToString(),
            ["ConnectionStrings:Redis"] = cluster.RedisConnectionString,
            ["Cluster:ClusterId"] = cluster.ClusterId,
            ["Cluster:ServiceId"] = cluster.ServiceId,
            ["Cluster:GatewayPort"] = cluster.GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Edge:BindAddress"] = "127.0.0.1",
            ["Edge:HttpPort"] = "0",
            ["Edge:DevicePort"] = "0",
            ["Edge:DataPlanePort"] = "0",
            ["Edge:DataPlaneUpgradePort"] = "0",
            ["Edge:AdminKey"] = AdminKey,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(config);
        builder.AddRelayEdge();
        var app = builder.Build();
        app.MapRelayEdge();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new TestEdge(app);
    }

    /// <summary>Provisions a device through the operator API and returns its secret.</summary>
    public Task<string> ProvisionAsync(string deviceId) => OperatorApi.ProvisionAsync(Client, deviceId);

    public Task<JsonElement> StatusAsync(string deviceId) => OperatorApi.StatusAsync(Client, deviceId);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
