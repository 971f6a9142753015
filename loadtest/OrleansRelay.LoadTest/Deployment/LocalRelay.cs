using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using OrleansRelay.LoadTest.Measurement;

namespace OrleansRelay.LoadTest.Deployment;

/// <summary>
/// The relay started by the load test on 127.0.0.1 from the built executables: by default a silo process and edge
/// processes (<c>Cluster:Mode=Localhost</c>), so CPU and memory are attributed to each; or one embedded edge that
/// hosts its silo. Free ports, a fresh admin key, and logs in the run's folder.
/// </summary>
internal sealed class LocalRelay : IRelayTarget
{
    private readonly LocalRelayOptions _options;
    private readonly int _gatewayPort = FreePort.Next();
    private readonly List<HostProcess?> _edges = [];
    private readonly List<EdgeEndpoint> _endpoints = [];
    private HostProcess? _silo;
    private int _siloHttpPort;

    private LocalRelay(LocalRelayOptions options)
    {
        _options = options;
        AdminKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
    }

    public string Description => _options.Embedded
        ? "local: one embedded edge process (edge and silo together)"
        : $"local: 1 silo process + {_endpoints.Count} edge process(es), Cluster:Mode=Localhost";

    public IReadOnlyList<EdgeEndpoint> Edges => _endpoints;

    public string AdminKey { get; }

    public IReadOnlyList<MonitoredProcess> Processes =>
    [
        .. _silo is null ? [] : new[] { new MonitoredProcess(ProcessRole.Silo, "silo", _silo.Pid) },
        .. _edges.Select((edge, i) => edge is null || edge.HasExited ? null : new MonitoredProcess(ProcessRole.Edge, $"edge-{i + 1}", edge.Pid)).OfType<MonitoredProcess>(),
    ];

    public IReadOnlyList<MemoryEndpoint> MemoryEndpoints =>
    [
        .. _silo is null ? [] : new[] { new MemoryEndpoint(ProcessRole.Silo, "silo", new Uri($"http://127.0.0.1:{_siloHttpPort}/diagnostics/memory")) },
        .. _endpoints.Select((e, i) => _edges[i] is null ? null : new MemoryEndpoint(ProcessRole.Edge, $"edge-{i + 1}", new Uri(e.Http, ExternalRelay.EdgeMemoryPath))).OfType<MemoryEndpoint>(),
    ];

    public bool CanStopEdges => true;

    public static async Task<LocalRelay> StartAsync(LocalRelayOptions options, CancellationToken cancellationToken)
    {
        var relay = new LocalRelay(options);
        try
        {
            if (!options.Embedded)
            {
                var siloHttp = FreePort.Next();
                relay._siloHttpPort = siloHttp;
                relay._silo = await HostProcess.StartAsync(
                    RelayExecutables.Silo,
                    "silo",
                    new Uri($"http://127.0.0.1:{siloHttp}/healthz"),
                    [
                        "--Cluster:Mode=Localhost",
                        $"--Cluster:SiloPort={FreePort.Next()}",
                        $"--Cluster:GatewayPort={relay._gatewayPort}",
                        $"--Silo:HttpPort={siloHttp}",
                        // The same key as the edges': the load test reads the silo's memory probe with it.
                        $"--Silo:AdminKey={relay.AdminKey}",
                        "--Logging:LogLevel:Default=Warning",
                    ],
                    options.LogDirectory,
                    cancellationToken);
            }

            var count = options.Embedded ? 1 : options.Edges;
            for (var i = 0; i < count; i++)
            {
                relay._endpoints.Add(new EdgeEndpoint(new Uri($"http://127.0.0.1:{FreePort.Next()}"), new IPEndPoint(IPAddress.Loopback, FreePort.Next()), FreePort.Next()));
                relay._edges.Add(null);
            }

            await Task.WhenAll(Enumerable.Range(0, count).Select(i => relay.StartEdgeAsync(i, cancellationToken)));
            return relay;
        }
        catch
        {
            await relay.DisposeAsync();
            throw;
        }
    }

    public async Task StopEdgeAsync(int index, bool kill)
    {
        var edge = _edges[index] ?? throw new InvalidOperationException($"Edge {index + 1} is not running.");
        if (kill)
        {
            await edge.KillAsync();
        }
        else
        {
            await edge.TerminateAsync(TimeSpan.FromSeconds(30));
        }

        await edge.DisposeAsync();
        _edges[index] = null;
    }

    public Task RestartEdgeAsync(int index, CancellationToken cancellationToken) => StartEdgeAsync(index, cancellationToken);

    private async Task StartEdgeAsync(int index, CancellationToken cancellationToken)
    {
        var endpoint = _endpoints[index];
        List<string> arguments =
        [
            _options.Embedded ? "--Cluster:Mode=Embedded" : "--Cluster:Mode=Localhost",
            $"--Cluster:GatewayPort={_gatewayPort}",
            "--Edge:BindAddress=127.0.0.1",
            $"--Edge:HttpPort={endpoint.Http.Port}",
            $"--Edge:DevicePort={endpoint.Device.Port}",
            $"--Edge:DataPlanePort={endpoint.DataPlanePort}",
            "--Edge:DataPlaneUpgradePort=0",
            $"--Edge:AdminKey={AdminKey}",
            $"--Edge:EdgeId=loadtest-edge-{index + 1}",
            // Every simulated device connects from 127.0.0.1: the per-address handshake limit would throttle the storm.
            "--Edge:MaxPendingConnectionsPerAddress=0",
            "--Logging:LogLevel:Default=Warning",
        ];
        if (_options.Embedded)
        {
            arguments.Add($"--Cluster:SiloPort={FreePort.Next()}");
        }

        if (_options.AdmissionRatePerSecond is { } rate)
        {
            arguments.Add($"--Edge:AdmissionRatePerSecond={rate.ToString(CultureInfo.InvariantCulture)}");
        }

        if (_options.AdmissionBurst is { } burst)
        {
            arguments.Add($"--Edge:AdmissionBurst={burst.ToString(CultureInfo.InvariantCulture)}");
        }

        _edges[index] = await HostProcess.StartAsync(
            RelayExecutables.Edge,
            $"edge-{index + 1}",
            new Uri(endpoint.Http, "/readyz"),
            arguments,
            _options.LogDirectory,
            cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var edge in _edges)
        {
            if (edge is not null)
            {
                await edge.DisposeAsync();
            }
        }

        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }
}
