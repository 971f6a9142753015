using System.Globalization;
using OrleansRelay.Silo.Hosting;

namespace OrleansRelay.FunctionalTests.TestUtilities;

/// <summary>The real edge executable (<c>orleansrelay-edge</c>) as a separate process on loopback, Redis membership.</summary>
internal sealed class EdgeProcess : IAsyncDisposable
{
    private readonly HostProcess _process;

    private EdgeProcess(HostProcess process, string edgeId, int httpPort, int devicePort)
    {
        _process = process;
        EdgeId = edgeId;
        HttpPort = httpPort;
        DevicePort = devicePort;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(60) };
        Client.DefaultRequestHeaders.Add("X-Admin-Key", TestEdge.AdminKey);
    }

    public string EdgeId { get; }

    /// <summary>The edge's process id (for its memory in <c>/proc</c>).</summary>
    public int Pid => _process.Pid;

    public int HttpPort { get; }

    public int DevicePort { get; }

    /// <summary>A client of this edge's API carrying the admin key.</summary>
    public HttpClient Client { get; }

    public static async Task<EdgeProcess> StartAsync(RelayClusterOptions cluster, string edgeId, params string[] extraArguments)
    {
        var httpPort = FreePort.Next();
        var devicePort = FreePort.Next();
        string[] arguments =
        [
            "--Cluster:Mode=Redis",
            $"--ConnectionStrings:Redis={cluster.RedisConnectionString}",
            $"--Cluster:ClusterId={cluster.ClusterId}",
            $"--Cluster:ServiceId={cluster.ServiceId}",
            "--Edge:BindAddress=127.0.0.1",
            $"--Edge:HttpPort={httpPort.ToString(CultureInfo.InvariantCulture)}",
            $"--Edge:DevicePort={devicePort.ToString(CultureInfo.InvariantCulture)}",
            $"--Edge:DataPlanePort={FreePort.Next().ToString(CultureInfo.InvariantCulture)}",
            $"--Edge:DataPlaneUpgradePort={FreePort.Next().ToString(CultureInfo.InvariantCulture)}",
            $"--Edge:AdminKey={TestEdge.AdminKey}",
            $"--Edge:EdgeId={edgeId}",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:OrleansRelay=Information",
            .. extraArguments,
        ];
        var process = await HostProcess.StartAsync("edge/OrleansRelay.EdgeHost", "orleansrelay-edge", edgeId, httpPort, arguments);
        return new EdgeProcess(process, edgeId, httpPort, devicePort);
    }

    /// <summary>kill -9: devices' sockets reset, the cluster is told nothing.</summary>
    public void Kill() => _process.Kill();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _process.DisposeAsync();
    }
}
