using OrleansRelay.Device;
using OrleansRelay.Wire;

namespace OrleansRelay.FunctionalTests.Security;

/// <summary>
/// The daemon sends every relayed request to its own local service, whatever the target says: a network-path target
/// (<c>//host/x</c>, which URI resolution would send to another host on the device's network) or a backslash
/// spelling stays a path on the local service. The edge refuses such paths too; this is the daemon's own guard, for
/// an edge it should not have to trust.
/// </summary>
public sealed class LocalForwarderTargetTests
{
    [Theory]
    [InlineData("//evil.example/steal")]
    [InlineData("//127.0.0.2:1/steal")]
    [InlineData("/\\evil.example/steal")]
    public async Task NetworkPathTarget_StaysOnTheLocalService(string target)
    {
        await using var service = RecordingDeviceService.Start("local");
        using var forwarder = new LocalForwarder(new Uri(service.BaseUri, "/base/"), maxConnections: 2, TimeSpan.FromSeconds(5));

        using var response = await forwarder.SendAsync(new HttpRequestHead("GET", target, []), body: null, TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(service.Requests);
        // Appended to the base path, never resolved against it.
        Assert.StartsWith("/base//", received.Target, StringComparison.Ordinal);
        Assert.EndsWith("/steal", received.Target, StringComparison.Ordinal);
        Assert.Equal([service.BaseUri.Authority], received.Header("Host"));
    }
}
