using System.Text.Json;
using OrleansRelay.LoadTest;
using OrleansRelay.LoadTest.Devices;
using OrleansRelay.LoadTest.Reporting;

namespace OrleansRelay.FunctionalTests.LoadTest;

/// <summary>
/// Every load test scenario, small and short, against a relay the load test starts itself (a silo and two edges as
/// processes): each writes a report folder whose numbers are sane (no errors, non-zero throughput, everyone back).
/// </summary>
public sealed class LoadTestSmokeTests : IDisposable
{
    private const int Devices = 50;

    private readonly string _output = Path.Combine(Path.GetTempPath(), "orleansrelay-loadtest-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task EveryScenario_FiftyDevices_WritesReportsWithSaneNumbers()
    {
        var options = new LoadOptions
        {
            Scenarios = ["connect", "relay", "cached", "notify", "reconnect", "soak"],
            Devices = Devices,
            Duration = TimeSpan.FromSeconds(1.5),
            WarmUp = TimeSpan.FromSeconds(0.5),
            Concurrency = 8,
            Rate = 200,
            NotifyRate = 100,
            SseSubscribers = 10,
            SignalRSubscribers = 5,
            Cycles = 3,
            CycleDevices = Devices,
            Mix = new() { GetRatio = 0.8 },
            Fleet = new FleetOptions { GiveUpAfter = TimeSpan.FromSeconds(30) },
            OutputDirectory = _output,
            Live = false,
        };

        var folders = await LoadTestRunner.RunAsync(options, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(120), TestContext.Current.CancellationToken);

        Assert.Equal(6, folders.Count);
        var results = folders.ToDictionary(f => Read(f).Scenario, Read);
        foreach (var folder in folders)
        {
            Assert.True(File.Exists(Path.Combine(folder, ReportWriter.MarkdownFile)), folder);
            Assert.True(new FileInfo(Path.Combine(folder, ChartWriter.ThroughputFile)).Length > 1000, folder);
            Assert.True(new FileInfo(Path.Combine(folder, ChartWriter.MemoryFile)).Length > 1000, folder);
            var result = Read(folder);
            Assert.DoesNotContain(result.Notes, n => n.StartsWith("The scenario failed", StringComparison.Ordinal));
            Assert.NotEmpty(result.Timeline);
            Assert.All(result.Phases, phase =>
            {
                Assert.True(phase.Requests > 0, $"{result.Scenario}/{phase.Name}: no requests");
                Assert.True(phase.RequestsPerSecond > 0, $"{result.Scenario}/{phase.Name}: no throughput");
                Assert.Empty(phase.Errors);
                Assert.True(phase.Latency.P50Ms > 0 && phase.Latency.P50Ms <= phase.Latency.P99Ms && phase.Latency.P99Ms <= phase.Latency.MaxMs);
            });
        }

        var connect = results["connect"].Connect!;
        Assert.Equal(Devices, connect.Connected);
        Assert.Empty(connect.Failures);
        Assert.Equal(0, connect.GaveUp);
        Assert.True(connect.RelayRssAfterMiB > 0);
        Assert.True(connect.After.EdgeHeapMiB > 0 && connect.After.SiloHeapMiB > 0, "the memory probes of edge and silo did not answer");

        Assert.Equal(2, results["relay"].Phases.Count);
        var cached = results["cached"].Phases;
        Assert.Equal(3, cached.Count);
        Assert.True(cached[0].CacheHits > 0);
        Assert.True(File.Exists(Path.Combine(folders[2], ChartWriter.LatencyFile)));

        var notify = results["notify"].Notify!;
        Assert.Equal((10, 5), (notify.SseSubscribers, notify.SignalRSubscribers));
        Assert.True(notify.Sent > 0 && notify.SentPerSecond > 0, "no notifications sent");
        Assert.Equal(notify.Sent, notify.Acknowledged);
        Assert.True(notify.Expected > 0 && notify.DeliveredPerSecond > 0, "no deliveries");
        Assert.Equal(notify.Expected, notify.Delivered);
        Assert.Equal(0, notify.Lost);
        Assert.Equal(0, notify.Duplicated);
        Assert.True(notify.Latency.P50Ms > 0 && notify.Latency.P99Ms <= notify.Latency.MaxMs);

        var recovery = results["reconnect"].Recovery!;
        Assert.True(recovery.DevicesOnStoppedEdge > 0);
        Assert.Equal(recovery.DevicesOnStoppedEdge, recovery.Recovered);
        Assert.Equal(0, recovery.GaveUp);
        Assert.Equal(0, recovery.SurvivorHealthFailures);
        Assert.Equal(0, recovery.RelayFailuresAfterRecovery);

        var soak = results["soak"].Soak;
        Assert.Equal(3, soak.Count);
        Assert.All(soak, cycle =>
        {
            Assert.True(cycle.Requests > 0);
            Assert.Equal(0, cycle.Errors);
            Assert.True(cycle.EdgeRssMiB > 0 && cycle.SiloRssMiB > 0);
        });
        Assert.True(soak[^1].EdgeHeapMiB > 0 && soak[^1].SiloHeapMiB > 0, "the last soak cycle's heap was not measured");
    }

    public void Dispose()
    {
        if (Directory.Exists(_output))
        {
            Directory.Delete(_output, recursive: true);
        }
    }

    private static RunResult Read(string folder)
    {
        var json = File.ReadAllText(Path.Combine(folder, ReportWriter.JsonFile));
        return JsonSerializer.Deserialize(json, ReportJsonContext.Default.RunResult)!;
    }
}
