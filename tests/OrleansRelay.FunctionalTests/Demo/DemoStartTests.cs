using System.Globalization;
using System.Net;
using OrleansRelay.Device.Discovery;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.Demo;

/// <summary>
/// The embedded default as a new user starts it: the built demo in a directory of its own (no <c>appsettings.json</c>
/// next to it, as when started from a fresh clone's root or any other directory), read line by line until its banner.
/// What it prints first must be the relay's own lines and the banner: no Polly pipeline lines, no Orleans watchdog
/// warning, no warning at all; and the banner shows the LAN mode, which answers.
/// </summary>
public sealed class DemoStartTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FirstStart_PrintsTheRelaysLinesAndTheBanner_WithLanAndDiscover_AndNothingNoisy()
    {
        var directory = Directory.CreateTempSubdirectory("orleansrelay-demo-start-");
        var port = (string name) => $"--{name}={FreePort.Next().ToString(CultureInfo.InvariantCulture)}";
        var replyPort = FreePort.Next();
        string[] arguments =
        [
            port("Edge:HttpPort"), port("Edge:DevicePort"), port("Edge:DataPlanePort"), port("Edge:DataPlaneUpgradePort"),
            port("Demo:ServicePort"), port("Cluster:SiloPort"), port("Cluster:GatewayPort"), port("Demo:LanPort"), port("Demo:DiscoveryPort"),
            $"--Demo:DiscoveryReplyPort={replyPort.ToString(CultureInfo.InvariantCulture)}",
        ];
        await using var demo = ConsoleProcess.Start("demo/OrleansRelay.Demo", "orleansrelay-demo", directory.FullName, arguments);
        try
        {
            await Eventually.Within(demo.LineAsync(line => line == "Press Ctrl+C to stop."), "the demo's banner", TimeSpan.FromSeconds(120));
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}; it printed:\n{string.Join('\n', demo.Lines)}");
        }

        var output = string.Join('\n', demo.Lines);
        TestContext.Current.TestOutputHelper?.WriteLine(output);
        Assert.DoesNotContain("Polly", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Resilience pipeline", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Watchdog", output, StringComparison.Ordinal);
        Assert.DoesNotContain(demo.Lines, line => line.StartsWith("warn:", StringComparison.Ordinal) || line.StartsWith("fail:", StringComparison.Ordinal));
        // The relay's own Information lines still show (a filter on "Orleans" also matches "OrleansRelay").
        Assert.Contains("info: OrleansRelay.Edge.Connections.DeviceConnectionHandler", output, StringComparison.Ordinal);

        // The banner's LAN lines: the LAN URL answers without the relay, and the discover line finds the device.
        var lanLine = demo.Lines.Single(line => line.TrimStart().StartsWith("curl -s http://", StringComparison.Ordinal) && line.EndsWith("/zones", StringComparison.Ordinal));
        var lanZones = new Uri(lanLine.Trim()["curl -s ".Length..]);
        var discoverLine = demo.Lines.Single(line => line.Contains("-- discover --target 127.0.0.1 --port ", StringComparison.Ordinal)).Trim();
        var discoveryPort = int.Parse(discoverLine.Split("--port ")[1].Split(' ')[0], CultureInfo.InvariantCulture);

        using var http = new HttpClient();
        using var zones = await http.GetAsync(lanZones, Token);
        Assert.Equal(HttpStatusCode.OK, zones.StatusCode);
        Assert.StartsWith("[", await zones.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);

        var devices = await DiscoveryClient.ProbeAsync(new IPEndPoint(IPAddress.Loopback, discoveryPort), replyPort, TimeSpan.FromSeconds(20), Token, stopAfter: 1);
        var device = Assert.Single(devices);
        Assert.Equal("Demo irrigation controller", device.Name);
        Assert.Equal(new Uri(lanZones, "/"), device.RestApi);

        directory.Delete(recursive: true);
    }
}
