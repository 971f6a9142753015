using Microsoft.Extensions.Logging;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.Device;

/// <summary>With no edge listening the daemon's attempts spread out (jittered exponential backoff, capped); it connects as soon as an edge appears.</summary>
[Collection(RelayCollection.Name)]
public sealed class ReconnectBackoffTests(RelayFixture fixture)
{
    private const int ConnectFailed = 4002;
    private const int Reconnecting = 4003;
    private static readonly TimeSpan Initial = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Max = TimeSpan.FromMilliseconds(800);
    private static readonly TimeSpan TimerSlack = TimeSpan.FromMilliseconds(20);

    [Fact]
    public async Task NoEdgeListening_AttemptsSpreadOut_AndTheDaemonConnectsAsSoonAsAnEdgeAppears()
    {
        var port = FreePort.Next();
        var secret = await fixture.Edge.ProvisionAsync("backoff-1");
        var log = new RecordingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(log));
        var options = TestDaemon.Options("backoff-1", secret, fixture.Service.BaseUri, port) with { InitialBackoff = Initial, MaxBackoff = Max };
        await using var daemon = TestDaemon.Launch(options, loggers: loggers);

        await Eventually.TrueAsync(() => log.Events(Reconnecting).Count >= 6, "six failed attempts", TimeSpan.FromSeconds(30));
        var attempts = log.Events(ConnectFailed);
        var delays = log.Events(Reconnecting).Select(e => TimeSpan.FromSeconds((double)e.Values["DelaySeconds"]!)).ToArray();
        for (var k = 0; k < 6; k++)
        {
            // Equal jitter: the k-th delay lies in [ceiling/2, ceiling], the ceiling doubling from Initial up to Max.
            var ceiling = TimeSpan.FromTicks(Math.Min(Initial.Ticks << k, Max.Ticks));
            Assert.InRange(delays[k], ceiling / 2, ceiling);
        }

        for (var k = 0; k < 5; k++)
        {
            // Attempts never come faster than the backoff says.
            Assert.True(attempts[k + 1].At - attempts[k].At >= delays[k] - TimerSlack, $"attempt {k + 2} came {attempts[k + 1].At - attempts[k].At} after attempt {k + 1}; backoff was {delays[k]}");
        }

        Assert.True(delays[5] > delays[0], "the delay grew");

        var appeared = log.Now;
        await using var edge = await TestEdge.StartAsync(fixture.Silo.Cluster, new Dictionary<string, string?> { ["Edge:DevicePort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var listening = log.Now;
        await Eventually.TrueAsync(() => daemon.AcceptedSessions == 1, "the daemon to connect to the new edge", TimeSpan.FromSeconds(10));

        // Only an attempt already under way while the edge was starting may still fail; the next one connects.
        var failedAfter = log.Events(ConnectFailed).Count(e => e.At > listening);
        Assert.InRange(failedAfter, 0, 1);
        TestContext.Current.SendDiagnosticMessage($"Edge listening {listening - appeared} after start was requested; attempts at {string.Join(", ", attempts.Select(a => a.At.TotalMilliseconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture)))} ms");
    }
}
