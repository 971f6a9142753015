using System.Net;
using OrleansRelay.Device.Cli;
using OrleansRelay.FunctionalTests.Security;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.Device;

/// <summary>
/// <c>--local http://127.0.0.1:8080/api</c>: the daemon keeps the base path and appends the relayed target to it (the
/// device info is read from <c>/api/device</c>, a relayed <c>/zones</c> goes to <c>/api/zones</c>), through a real edge
/// and daemon to a service that records the bytes it receives. A URL with a query cannot be a base and is refused.
/// </summary>
public sealed class LocalBasePathTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/api")]
    [InlineData("/api/")]
    public async Task RelayedTarget_IsAppendedToTheLocalBasePath(string basePath)
    {
        await using var silo = await TestSilo.StartAsync();
        await using var edge = await TestEdge.StartAsync(silo.Cluster);
        await using var service = RecordingDeviceService.Start("based");
        var deviceId = "based-" + Guid.NewGuid().ToString("N")[..8];
        await using var daemon = await TestDaemon.StartAsync(deviceId, await edge.ProvisionAsync(deviceId), new Uri(service.BaseUri, basePath), edge.DevicePort);

        using var response = await edge.Client.GetAsync($"/v1/devices/{deviceId}/api/zones/1?x=1", Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var targets = service.Requests.Select(r => r.Target).ToArray();
        Assert.Contains("/api/device", targets);
        Assert.Equal("/api/zones/1?x=1", targets[^1]);
    }

    [Fact]
    public async Task Help_SaysTheBasePathIsKept_AndAQueryIsRefusedWithAClearError()
    {
        using var help = new StringWriter();
        Assert.Equal(0, await DeviceCommand.Create().Parse(["--help"]).InvokeAsync(new() { Output = help }, Token));
        Assert.Contains("Its path is kept", help.ToString(), StringComparison.Ordinal);

        using var error = new StringWriter();
        var exit = await DeviceCommand.Create().Parse(["--server", "127.0.0.1:1", "--device-id", "x", "--secret", "s", "--local", "http://127.0.0.1:8080/api?v=1"])
            .InvokeAsync(new() { Error = error, Output = TextWriter.Null }, Token);

        Assert.NotEqual(0, exit);
        Assert.Contains("must not have a query or fragment", error.ToString(), StringComparison.Ordinal);
    }
}
