using System.Globalization;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.Edge;

/// <summary>The hosts read the settings shipped beside them, whatever directory they are started from.</summary>
public sealed class HostSettingsTests
{
    [Fact]
    public async Task EdgeStartedFromAnotherDirectory_AppliesTheShippedLogLevels()
    {
        // With the working directory as content root, appsettings.json was silently not found from anywhere else: the
        // shipped log levels were lost and every request was logged twice at Information (a benchmark's CPU with it).
        var elsewhere = Directory.CreateTempSubdirectory("orleansrelay-cwd-");
        try
        {
            var httpPort = FreePort.Next();
            string[] arguments =
            [
                "--Cluster:Mode=Embedded",
                "--Edge:BindAddress=127.0.0.1",
                $"--Edge:HttpPort={httpPort.ToString(CultureInfo.InvariantCulture)}",
                $"--Edge:DevicePort={FreePort.Next().ToString(CultureInfo.InvariantCulture)}",
                $"--Edge:DataPlanePort={FreePort.Next().ToString(CultureInfo.InvariantCulture)}",
                $"--Edge:DataPlaneUpgradePort={FreePort.Next().ToString(CultureInfo.InvariantCulture)}",
                $"--Cluster:SiloPort={FreePort.Next().ToString(CultureInfo.InvariantCulture)}",
                $"--Cluster:GatewayPort={FreePort.Next().ToString(CultureInfo.InvariantCulture)}",
                $"--Edge:AdminKey={TestEdge.AdminKey}",
            ];
            await using var edge = await HostProcess.StartAsync("edge/OrleansRelay.EdgeHost", "orleansrelay-edge", "edge-started-elsewhere", httpPort, arguments, elsewhere.FullName);
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
            using (await client.GetAsync("/healthz", TestContext.Current.CancellationToken))
            {
            }

            // A refused operator key logs a warning of the relay's own; the console is in order, so once it is there,
            // the lines of the requests before it are too.
            using (var refused = new HttpRequestMessage(HttpMethod.Get, "/v1/devices/some-device/api/status"))
            {
                refused.Headers.Add("X-Admin-Key", "not the key");
                using var response = await client.SendAsync(refused, TestContext.Current.CancellationToken);
                Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
            }

            await Eventually.TrueAsync(() => edge.ReadLog().Contains("Credentials refused", StringComparison.Ordinal), "the refused key's warning in the edge's log");
            var log = edge.ReadLog();
            Assert.DoesNotContain("Request starting", log, StringComparison.Ordinal);
            Assert.DoesNotContain("Request finished", log, StringComparison.Ordinal);
        }
        finally
        {
            elsewhere.Delete(recursive: true);
        }
    }
}
