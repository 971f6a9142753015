using System.Net;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Device;
using OrleansRelay.Edge.Hosting;
using OrleansRelay.Silo.Hosting;

namespace OrleansRelay.Demo;

/// <summary>
/// Everything the quick start needs, in one process: the embedded relay (edge with a co-hosted silo and in-memory
/// storage), the demo device's REST service, and the device daemon that connects the two through the relay.
/// </summary>
public sealed class DemoRelay : IAsyncDisposable
{
    /// <summary>The demo device's id.</summary>
    public const string DeviceId = "demo-irrigation";

    private readonly CancellationTokenSource _stopDaemon = new();
    private Task _daemonRun = Task.CompletedTask;

    private DemoRelay(WebApplication edge, WebApplication deviceService, string adminKey)
    {
        Edge = edge;
        DeviceService = deviceService;
        AdminKey = adminKey;
    }

    /// <summary>The demo device's LAN listener and discovery responder.</summary>
    public DemoLan Lan { get; private set; } = null!;

    /// <summary>The edge host (with its silo).</summary>
    public WebApplication Edge { get; }

    /// <summary>The demo device's local REST service.</summary>
    public WebApplication DeviceService { get; }

    /// <summary>The operator key for this run.</summary>
    public string AdminKey { get; }

    /// <summary>The edge's client API base URL.</summary>
    public Uri EdgeUrl => new($"http://{Edge.Services.GetRequiredService<EdgeEndpoints>().HttpEndPoint}");

    /// <summary>The device service's base URL (what the daemon forwards to).</summary>
    public Uri DeviceServiceUrl { get; private set; } = null!;

    /// <summary>The daemon that connects the demo device to the relay.</summary>
    public DeviceDaemon Daemon { get; private set; } = null!;

    /// <summary>Starts everything and returns once the demo device's session is accepted.</summary>
    /// <param name="args">Configuration arguments for the edge (e.g. <c>--Edge:HttpPort=0</c>).</param>
    /// <param name="deviceServicePort">Port of the demo REST service on 127.0.0.1 (0 picks one).</param>
    /// <param name="cancellationToken">Aborts the start.</param>
    public static async Task<DemoRelay> StartAsync(string[] args, int deviceServicePort, CancellationToken cancellationToken)
    {
        var deviceService = DemoDeviceService.Build(IPAddress.Loopback, deviceServicePort);
        await deviceService.StartAsync(cancellationToken);

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ApplicationName = typeof(DemoRelay).Assembly.GetName().Name });
        RelayLoggingDefaults.AddTo(builder.Configuration, quietHostLifetime: true);
        var bindAddress = builder.Configuration["Edge:BindAddress"] ?? "127.0.0.1";
        var httpPort = builder.Configuration.GetValue("Edge:HttpPort", 5080);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Edge:BindAddress"] = bindAddress,
            ["Cluster:Mode"] = "Embedded",
            // The OAuth issuer and confirmation links follow the port the demo runs on (0: a free one, known only later).
            ["Accounts:PublicUrl"] = builder.Configuration["Accounts:PublicUrl"]
                ?? (httpPort > 0 ? $"http://{(bindAddress == "0.0.0.0" ? "127.0.0.1" : bindAddress)}:{httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : null),
        });
        var adminKey = EmbeddedAdminKey.EnsureForEmbedded(builder.Configuration) ?? builder.Configuration["Edge:AdminKey"]!;
        builder.AddRelayEdge();
        var edge = builder.Build();
        edge.MapRelayEdge();
        await edge.StartAsync(cancellationToken);

        var relay = new DemoRelay(edge, deviceService, adminKey)
        {
            DeviceServiceUrl = new Uri(deviceService.Urls.First()),
        };
        await relay.ConnectDemoDeviceAsync(cancellationToken);
        return relay;
    }

    private async Task ConnectDemoDeviceAsync(CancellationToken cancellationToken)
    {
        var provisioning = await Edge.Services.GetRequiredService<IGrainFactory>()
            .GetGrain<IDeviceGrain>(DeviceId)
            .Provision("Demo irrigation controller", rotateSecret: true);
        var deviceEndPoint = Edge.Services.GetRequiredService<EdgeEndpoints>().DeviceEndPoint;
        Daemon = new DeviceDaemon(
            new DeviceOptions
            {
                Servers = [new ServerAddress(deviceEndPoint.Address.ToString(), deviceEndPoint.Port)],
                DeviceId = DeviceId,
                Secret = provisioning.Secret!,
                LocalService = DeviceServiceUrl,
            },
            Edge.Services.GetRequiredService<ILoggerFactory>());
        var accepted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Daemon.SessionAccepted += _ => accepted.TrySetResult();
        // What the controller logs (watering started, zone renamed) goes out as notifications.
        DeviceService.Services.GetRequiredService<IrrigationController>().Changed += message => Daemon.Notify(message);
        Lan = await DemoLan.StartAsync(Edge.Configuration, Daemon, Edge.Services.GetRequiredService<ILoggerFactory>());
        _daemonRun = Daemon.RunAsync(_stopDaemon.Token);
        await accepted.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopDaemon.CancelAsync();
        await _daemonRun;
        if (Lan is not null)
        {
            await Lan.DisposeAsync();
        }

        Daemon?.Dispose();
        await Edge.StopAsync();
        await DeviceService.StopAsync();
        await Edge.DisposeAsync();
        await DeviceService.DisposeAsync();
        _stopDaemon.Dispose();
    }
}
