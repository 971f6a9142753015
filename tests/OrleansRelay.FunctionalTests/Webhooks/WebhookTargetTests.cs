using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OrleansRelay.FunctionalTests.TestUtilities;
using OrleansRelay.Silo.Webhooks;

namespace OrleansRelay.FunctionalTests.Webhooks;

/// <summary>Webhook URLs cannot reach into the relay's own network unless the operator allows it (SSRF).</summary>
public sealed class WebhookTargetTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LoopbackPrivateAndNonHttpTargets_AreRefusedAtRegistration_ByDefault()
    {
        await using var silo = await TestSilo.StartAsync();
        await using var edge = await TestEdge.StartAsync(silo.Cluster);
        await using var receiver = await WebhookReceiver.StartAsync();
        const string deviceId = "wh-ssrf-1";
        await edge.ProvisionAsync(deviceId);

        foreach (var (url, reason) in new[]
        {
            (receiver.Url.ToString(), "loopback"),
            ($"http://localhost:{receiver.Url.Port}/hook", "loopback"),
            ("http://[::1]:9/hook", "loopback"),
            ("http://169.254.169.254/latest/meta-data/", "link-local"),
            ("http://10.1.2.3/hook", "private"),
            ("http://0.0.0.0/hook", "unspecified"),
            ("ftp://example.com/hook", "http or https"),
            ("/relative", "http or https"),
        })
        {
            using var response = await edge.Client.PostAsJsonAsync($"/v1/devices/{deviceId}/webhooks", new { url, events = new[] { "notification" } }, Token);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var message = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("message").GetString()!;
            Assert.True(message.Contains(reason, StringComparison.Ordinal), $"{url}: {message}");
        }

        Assert.Empty(receiver.Attempts);
        Assert.Equal(0, (await WebhookApi.GetAsync(edge.Client, $"/v1/devices/{deviceId}/webhooks")).GetArrayLength());
    }

    [Fact]
    public async Task DeliveryConnection_ToALoopbackAddress_IsRefusedAfterResolution_UnlessAllowed()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var target = new Uri($"http://localhost:{receiver.Url.Port}/hook");

        using (var refusing = Client(allowPrivate: false))
        {
            var failure = await Assert.ThrowsAsync<HttpRequestException>(() => refusing.PostAsync(target, new StringContent("{}"), Token));
            Assert.IsType<WebhookTargetRefusedException>(failure.InnerException);
        }

        Assert.Empty(receiver.Attempts);
        using var allowing = Client(allowPrivate: true);
        using var response = await allowing.PostAsync(target, new StringContent("{}"), Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(receiver.Attempts);
    }

    [Theory]
    [InlineData("8.8.8.8", true)]
    [InlineData("2001:4860:4860::8888", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("::1", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("10.0.0.1", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("192.168.1.1", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::", false)]
    [InlineData("224.0.0.1", false)]
    public void TargetPolicy_AllowsOnlyPublicUnicastAddresses(string address, bool allowed) =>
        Assert.Equal(allowed, WebhookTargetPolicy.IsPublic(IPAddress.Parse(address)));

    private static HttpClient Client(bool allowPrivate)
    {
        var options = new ServiceCollection().AddOptions().Configure<WebhookOptions>(o => o.AllowPrivateTargets = allowPrivate)
            .BuildServiceProvider().GetRequiredService<IOptionsMonitor<WebhookOptions>>();
        return new HttpClient(new SocketsHttpHandler { ConnectCallback = new WebhookConnector(options).ConnectAsync, UseProxy = false });
    }
}
