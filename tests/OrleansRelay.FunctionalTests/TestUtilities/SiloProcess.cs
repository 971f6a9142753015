using System.Globalization;
using OrleansRelay.Silo.Hosting;

namespace OrleansRelay.FunctionalTests.TestUtilities;

/// <summary>The real silo executable (<c>orleansrelay-silo</c>) as a separate process, Redis membership and MariaDB storage.</summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    private readonly HostProcess _process;

    private SiloProcess(HostProcess process, int siloPort, int httpPort)
    {
        _process = process;
        SiloPort = siloPort;
        HttpPort = httpPort;
    }

    public int SiloPort { get; }

    public int HttpPort { get; }

    public static async Task<SiloProcess> StartAsync(RelayClusterOptions cluster, string mySqlConnectionString, params string[] extraArguments)
    {
        var siloPort = FreePort.Next();
        var httpPort = FreePort.Next();
        string[] arguments =
        [
            "--Cluster:Mode=Redis",
            $"--ConnectionStrings:Redis={cluster.RedisConnectionString}",
            $"--Cluster:ClusterId={cluster.ClusterId}",
            $"--Cluster:ServiceId={cluster.ServiceId}",
            "--Cluster:AdvertisedAddress=127.0.0.1",
            $"--Cluster:SiloPort={siloPort.ToString(CultureInfo.InvariantCulture)}",
            $"--Cluster:GatewayPort={FreePort.Next().ToString(CultureInfo.InvariantCulture)}",
            $"--Silo:HttpPort={httpPort.ToString(CultureInfo.InvariantCulture)}",
            "--Storage:Provider=MySql",
            $"--ConnectionStrings:MySql={mySqlConnectionString}",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Orleans.Runtime.MembershipService=Information",
            "--Logging:LogLevel:OrleansRelay=Information",
            .. extraArguments,
        ];
        var process = await HostProcess.StartAsync("silo/OrleansRelay.SiloHost", "orleansrelay-silo", $"silo-{siloPort}", httpPort, arguments);
        return new SiloProcess(process, siloPort, httpPort);
    }

    /// <summary>kill -9: no goodbye to the cluster.</summary>
    public void Kill() => _process.Kill();

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
