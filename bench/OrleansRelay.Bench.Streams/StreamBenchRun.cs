using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model;
using OrleansRelay.Silo.Events.Streams;
using OrleansRelay.Silo.Hosting;

namespace OrleansRelay.Bench.Streams;

/// <summary>One transport's run, as one silo and one edge see it. Returns both paths' histograms.</summary>
internal static class StreamBenchRun
{
    public sealed record Result(string Name, LatencyRecorder Consumer, LatencyRecorder Observer, int Expected, TimeSpan Cpu, string LoadBefore, string LoadAfter);

    /// <summary>
    /// A silo (localhost clustering, in-memory storage: the embedded default) and, in a host of its own, an Orleans
    /// client standing in for the edge: it records notifications at the grains as an edge does (over the gateway's TCP),
    /// and holds the observer the grains push to. <paramref name="rate"/> notifications per second, spread evenly over
    /// <paramref name="devices"/> devices, for a warm-up of 2 s and then <paramref name="seconds"/>.
    /// </summary>
    public static async Task<Result> RunAsync(string name, DeviceEventTransport transport, TimeSpan pullingPeriod, int rate, int seconds, int devices, CancellationToken cancellationToken)
    {
        LatencyRecorder.Consumer = new();
        LatencyRecorder.Observer = new();
        LatencyRecorder.Warmup = rate * 2;
        var cluster = new RelayClusterOptions
        {
            Mode = ClusterMode.Localhost,
            ClusterId = "bench-" + Guid.NewGuid().ToString("N")[..8],
            ServiceId = "orleansrelay-bench",
            SiloPort = FreePort(),
            GatewayPort = FreePort(),
        };
        var siloBuilder = Host.CreateApplicationBuilder();
        siloBuilder.Logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning);
        siloBuilder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Events:Transport"] = transport.ToString(),
            ["Events:StreamPullingPeriod"] = pullingPeriod.ToString("c", CultureInfo.InvariantCulture),
        });
        siloBuilder.UseOrleans(silo => silo.AddRelaySilo(cluster, new RelayStorageOptions()));
        using var silo = siloBuilder.Build();
        await silo.StartAsync(cancellationToken);

        var edgeBuilder = Host.CreateApplicationBuilder();
        edgeBuilder.Logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning);
        edgeBuilder.UseOrleansClient(client => client.UseLocalhostClustering(cluster.GatewayPort, cluster.ServiceId, cluster.ClusterId));
        using var edgeHost = edgeBuilder.Build();
        await edgeHost.StartAsync(cancellationToken);
        var client = edgeHost.Services.GetRequiredService<IClusterClient>();

        var observer = new BenchEdgeObserver();
        var edge = new EdgeRef("bench-edge", client.CreateObjectReference<IEdgeObserver>(observer));
        var registry = client.GetGrain<IEdgeRegistryGrain>(IEdgeRegistryGrain.Key);
        await registry.Renew(edge, TimeSpan.FromSeconds(5));
        using var renewing = new CancellationTokenSource();
        var renewal = RenewAsync(registry, edge, renewing.Token);

        var grains = Enumerable.Range(0, devices).Select(i => client.GetGrain<IDeviceGrain>($"bench-{i}")).ToArray();
        foreach (var grain in grains)
        {
            await grain.Provision("bench", rotateSecret: false);
            await grain.SubscribeEvents(edge, 0);
        }

        var expected = LatencyRecorder.Warmup + (rate * seconds);
        var sequences = new long[devices];
        // Per device in order, as an edge forwards a device's notifications (unordered calls would reorder sequence
        // numbers, and the grain drops a lower one as a resend).
        var pending = Enumerable.Repeat(Task.CompletedTask, devices).ToArray();
        var loadBefore = LoadAverage();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        using (var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(1)))
        {
            var sent = 0;
            while (sent < expected && await timer.WaitForNextTickAsync(cancellationToken))
            {
                var due = Math.Min(expected, (int)(Stopwatch.GetElapsedTime(started).TotalSeconds * rate));
                for (; sent < due; sent++)
                {
                    var device = sent % devices;
                    var text = string.Create(CultureInfo.InvariantCulture, $"bench {sent} {Stopwatch.GetTimestamp()}");
                    pending[device] = SendAfterAsync(pending[device], grains[device], new DeviceNotification(++sequences[device], text));
                }
            }
        }

        await Task.WhenAll(pending);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((LatencyRecorder.Consumer.Received < expected || LatencyRecorder.Observer.Received < expected) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, cancellationToken);
        }

        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var loadAfter = LoadAverage();
        await renewing.CancelAsync();
        await renewal;
        // Orleans holds observers weakly: keep the object alive for the whole run.
        GC.KeepAlive(observer);
        await edgeHost.StopAsync(cancellationToken);
        await silo.StopAsync(cancellationToken);
        return new Result(name, LatencyRecorder.Consumer, LatencyRecorder.Observer, expected, cpu, loadBefore, loadAfter);
    }

    private static async Task SendAfterAsync(Task previous, IDeviceGrain grain, DeviceNotification notification)
    {
        await previous;
        await grain.RecordNotifications(1, [notification]);
    }

    private static async Task RenewAsync(IEdgeRegistryGrain registry, EdgeRef edge, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                await registry.Renew(edge, TimeSpan.FromSeconds(5));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
