using Microsoft.Extensions.Logging;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.DataPlane;

/// <summary>
/// One silo, three edges (A, B, C) and one streaming device held by edge B, shared by the data-plane tests. A
/// client on edge B reaches the device on the same edge; a client on edge A reaches it across edges. Tests that move
/// devices start their own daemons on these edges.
/// </summary>
public sealed class DataPlaneFixture : IAsyncLifetime
{
    public const string DeviceId = "dp-1";

    /// <summary>The client talks to the edge that holds the device's socket.</summary>
    public const string SameEdge = "same-edge";

    /// <summary>The client talks to another edge, which forwards to the one holding the socket.</summary>
    public const string CrossEdge = "cross-edge";

    private readonly Dictionary<TestEdge, HttpClient> _clients = [];

    internal TestSilo Silo { get; private set; } = null!;

    internal TestEdge EdgeA { get; private set; } = null!;

    internal TestEdge EdgeB { get; private set; } = null!;

    internal TestEdge EdgeC { get; private set; } = null!;

    internal StreamingDeviceService Service { get; private set; } = null!;

    internal TestDaemon Daemon { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Silo = await TestSilo.StartAsync();
        EdgeA = await TestEdge.StartAsync(Silo.Cluster, WithRelayLogs(DataPlaneSettings.InProcess()), EdgeALogs);
        EdgeB = await TestEdge.StartAsync(Silo.Cluster, WithRelayLogs(DataPlaneSettings.InProcess()), EdgeBLogs);
        EdgeC = await TestEdge.StartAsync(Silo.Cluster, DataPlaneSettings.InProcess());
        Service = await StreamingDeviceService.StartAsync(logs: ServiceLogs);
        var options = TestDaemon.Options(DeviceId, await EdgeB.ProvisionAsync(DeviceId), Service.BaseUri, EdgeB.DevicePort);
        _daemonLoggers = LoggerFactory.Create(logging => logging.AddProvider(DaemonLogs).SetMinimumLevel(LogLevel.Debug));
        Daemon = TestDaemon.Launch(options, loggers: _daemonLoggers);
        await Eventually.TrueAsync(() => Daemon.AcceptedSessions > 0, $"daemon {DeviceId} to be accepted");
    }

    /// <summary>What edge A (the client's edge on the cross-edge route) logged: the relay's debug events, YARP's and Kestrel's.</summary>
    internal RecordingLoggerProvider EdgeALogs { get; } = new();

    /// <summary>What edge B (the device's edge) logged.</summary>
    internal RecordingLoggerProvider EdgeBLogs { get; } = new();

    /// <summary>What the device's daemon logged.</summary>
    internal RecordingLoggerProvider DaemonLogs { get; } = new();

    /// <summary>What the device's local service (its Kestrel and its endless streams) logged.</summary>
    internal RecordingLoggerProvider ServiceLogs { get; } = new();

    private ILoggerFactory? _daemonLoggers;

    /// <summary>
    /// Where along the chain (client's edge, device's edge, daemon, service) a request got to, from
    /// <paramref name="since"/> (from <see cref="ChainLogsNow"/> when the test began): a failure says where it stopped.
    /// </summary>
    internal string ChainLogs(ChainLogTimes since) =>
        $"edge A (client's edge on the cross-edge route):{Environment.NewLine}{EdgeALogs.Since(since.EdgeA)}{Environment.NewLine}" +
        $"edge B (the device's edge):{Environment.NewLine}{EdgeBLogs.Since(since.EdgeB)}{Environment.NewLine}" +
        $"daemon:{Environment.NewLine}{DaemonLogs.Since(since.Daemon)}{Environment.NewLine}" +
        $"device's service:{Environment.NewLine}{ServiceLogs.Since(since.Service)}";

    /// <summary>Each chain recorder's current time, to pass to <see cref="ChainLogs"/> later.</summary>
    internal ChainLogTimes ChainLogsNow() => new(EdgeALogs.Now, EdgeBLogs.Now, DaemonLogs.Now, ServiceLogs.Now);

    private static Dictionary<string, string?> WithRelayLogs(Dictionary<string, string?> settings)
    {
        settings["Logging:LogLevel:Default"] = "Warning";
        settings["Logging:LogLevel:OrleansRelay"] = "Debug";
        settings["Logging:LogLevel:Yarp"] = "Debug";
        settings["Logging:LogLevel:Microsoft.AspNetCore.Server.Kestrel"] = "Debug";
        return settings;
    }

    /// <summary>The edge a client of <paramref name="route"/> talks to.</summary>
    internal TestEdge ClientEdge(string route) => route switch
    {
        SameEdge => EdgeB,
        CrossEdge => EdgeA,
        _ => throw new ArgumentOutOfRangeException(nameof(route), route, "same-edge or cross-edge"),
    };

    /// <summary>A client of <paramref name="edge"/> with the admin key and a timeout long enough for a 1 GiB transfer.</summary>
    internal HttpClient Client(TestEdge edge)
    {
        lock (_clients)
        {
            if (!_clients.TryGetValue(edge, out var client))
            {
                _clients[edge] = client = DataPlaneHttp.NewClient(edge.Client.BaseAddress!, TimeSpan.FromMinutes(5));
            }

            return client;
        }
    }

    internal HttpClient Client(string route) => Client(ClientEdge(route));

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        foreach (var part in new IAsyncDisposable?[] { Daemon, Service, EdgeC, EdgeB, EdgeA, Silo })
        {
            if (part is not null)
            {
                await part.DisposeAsync();
            }
        }

        _daemonLoggers?.Dispose();
    }
}

/// <summary>Where each of the chain's log recorders stood at one moment.</summary>
internal readonly record struct ChainLogTimes(TimeSpan EdgeA, TimeSpan EdgeB, TimeSpan Daemon, TimeSpan Service);

/// <summary>
/// The data-plane tests run alone, never beside another collection: the large transfers measure the whole test
/// process's memory, and the latency of the streams should not be another test's CPU.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DataPlaneCollection : ICollectionFixture<DataPlaneFixture>
{
    public const string Name = "DataPlane";
}
