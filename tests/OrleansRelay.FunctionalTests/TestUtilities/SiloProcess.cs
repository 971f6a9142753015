using System.Diagnostics;
using System.Globalization;
using OrleansRelay.Silo.Hosting;

namespace OrleansRelay.FunctionalTests.TestUtilities;

/// <summary>The real silo executable (<c>orleansrelay-silo</c>) as a separate process, so a test can kill -9 it.</summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;

    private SiloProcess(Process process, int siloPort, int httpPort)
    {
        _process = process;
        SiloPort = siloPort;
        HttpPort = httpPort;
    }

    public int SiloPort { get; }

    public int HttpPort { get; }

    public int Pid => _process.Id;

    public static async Task<SiloProcess> StartAsync(RelayClusterOptions cluster, string mySqlConnectionString)
    {
        var siloPort = FreePort.Next();
        var httpPort = FreePort.Next();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(SiloDll());
        foreach (var argument in new[]
        {
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
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the silo process.");
        // Each silo's console goes to a file beside the test binaries, for diagnosing failovers after the fact.
        var logDirectory = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "silo-logs"));
        var log = TextWriter.Synchronized(new StreamWriter(Path.Combine(logDirectory.FullName, $"silo-{siloPort}.log")) { AutoFlush = true });
        process.OutputDataReceived += (_, e) => WriteLine(log, e.Data);
        process.ErrorDataReceived += (_, e) => WriteLine(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var silo = new SiloProcess(process, siloPort, httpPort);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.TrueAsync(
            async () =>
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"The silo process exited with {process.ExitCode}.");
                }

                try
                {
                    return (await http.GetAsync($"http://127.0.0.1:{httpPort}/healthz", TestContext.Current.CancellationToken)).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            $"silo process on port {siloPort} to start",
            TimeSpan.FromSeconds(60));
        return silo;
    }

    private static void WriteLine(TextWriter log, string? line)
    {
        if (line is not null)
        {
            log.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {line}");
        }
    }

    /// <summary>kill -9: no goodbye to the cluster.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static string SiloDll()
    {
        // tests/OrleansRelay.FunctionalTests/bin/<Configuration>/net10.0 → silo/OrleansRelay.SiloHost/bin/<Configuration>/net10.0
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = testBin.Parent!.Name;
        var root = testBin.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        var dll = Path.Combine(root, "silo", "OrleansRelay.SiloHost", "bin", configuration, testBin.Name, "orleansrelay-silo.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the solution first: the silo executable is missing.", dll);
    }
}
