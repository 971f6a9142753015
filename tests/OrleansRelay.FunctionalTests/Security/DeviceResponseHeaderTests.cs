using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.Security;

/// <summary>
/// Every device answers on the edge's own origin, so a device's headers that act on the whole origin (cookies, CORS,
/// HSTS, Clear-Site-Data) are stripped, and a sandbox policy keeps a device's pages out of the edge's origin (where the
/// dashboard stores the operator key); <c>Edge:PassDeviceCookies</c>, <c>Edge:PassDeviceCorsHeaders</c> and
/// <c>Edge:SandboxDeviceContent</c> let an operator who serves each device on its own origin turn these off.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class DeviceResponseHeaderTests(SecurityFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OriginWideDeviceHeaders_AreStrippedByDefault_OthersPass()
    {
        using var response = await fixture.Edge.Client.GetAsync("/v1/devices/sec-a/api/headers", Ct);
        var names = response.Headers.Concat(response.Content.Headers).Select(h => h.Key).ToList();

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["kept"], response.Headers.GetValues("X-Device-Header"));
        Assert.Equal(["sandbox allow-scripts allow-forms allow-popups allow-downloads"], response.Headers.GetValues("Content-Security-Policy"));
        Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
        foreach (var stripped in new[] { "Set-Cookie", "Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Strict-Transport-Security", "Clear-Site-Data", "X-Non-Ascii" })
        {
            Assert.DoesNotContain(stripped, names, StringComparer.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task OperatorOptions_PassCookiesAndCors_AndDropTheSandbox_ButNeverHstsOrClearSiteData()
    {
        await using var edge = await TestEdge.StartAsync(fixture.Silo.Cluster, new Dictionary<string, string?>
        {
            ["Edge:PassDeviceCookies"] = "true",
            ["Edge:PassDeviceCorsHeaders"] = "true",
            ["Edge:SandboxDeviceContent"] = "false",
        });
        await using var service = RecordingDeviceService.Start("sec-pass", SecurityFixture.OriginHeaders);
        await using var daemon = await TestDaemon.StartAsync("sec-pass", await edge.ProvisionAsync("sec-pass"), service.BaseUri, edge.DevicePort);

        using var response = await edge.Client.GetAsync("/v1/devices/sec-pass/api/headers", Ct);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["device-session=stolen; Path=/"], response.Headers.GetValues("Set-Cookie"));
        Assert.Equal(["https://evil.example"], response.Headers.GetValues("Access-Control-Allow-Origin"));
        Assert.Equal(["true"], response.Headers.GetValues("Access-Control-Allow-Credentials"));
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
        Assert.False(response.Headers.Contains("Clear-Site-Data"));
        Assert.False(response.Headers.Contains("Content-Security-Policy"));
    }
}
