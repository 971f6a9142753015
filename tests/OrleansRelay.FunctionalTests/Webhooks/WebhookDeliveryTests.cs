using System.Net;
using System.Net.Http.Json;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.Webhooks;

/// <summary>Webhook deliveries to real HTTP endpoints: order, retries, signatures, isolation, dead letters.</summary>
[Collection(WebhookCollection.Name)]
public sealed class WebhookDeliveryTests(WebhookFixture fixture)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EndpointFailing3TimesThenTimingOut_GetsEveryEventInOrder_SignedAndWithTheSameIdOnRepeats()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = n => n switch { <= 3 => 500, 4 => null, _ => 200 };
        var deviceId = NewDeviceId("order");
        await using var daemon = await StartDeviceAsync(deviceId);
        var (_, secret) = await WebhookApi.RegisterAsync(fixture.Edge.Client, $"/v1/devices/{deviceId}/webhooks", receiver.Url, "notification");

        for (var i = 0; i < 10; i++)
        {
            Assert.Null(daemon.Daemon.Notify($"n{i}"));
        }

        await Eventually.TrueAsync(() => receiver.Delivered().Count == 10, "all 10 notifications to be delivered", TimeSpan.FromSeconds(60));
        var delivered = receiver.Delivered();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"n{i}"), delivered.Select(a => a.Json.GetProperty("data").GetProperty("data").GetString()));
        var ids = delivered.Select(a => a.Json.GetProperty("data").GetProperty("eventId").GetInt64()).ToArray();
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(ids.Select(id => $"{deviceId}/{id}"), delivered.Select(a => a.MessageId));
        Assert.All(delivered, a => Assert.Equal("device.notification", a.Json.GetProperty("type").GetString()));

        // Every attempt, failed or not, is signed with the webhook's secret; the first event's repeats share its id.
        Assert.All(receiver.Attempts, a => Assert.True(a.SignatureVerifies(secret), $"attempt {a.Number} has a bad signature"));
        Assert.Equal([500, 500, 500, null, 200], receiver.Attempts.Where(a => a.MessageId == delivered[0].MessageId).Select(a => a.Status));
        Assert.Equal(Enumerable.Range(1, 5), receiver.Attempts.Where(a => a.MessageId == delivered[0].MessageId).Select(a => a.Number));
    }

    [Fact]
    public async Task EndpointThatHangs_DelaysNeitherAnotherEndpointNorTheRelay()
    {
        await using var slow = await WebhookReceiver.StartAsync();
        slow.Answer = _ => null;
        await using var fast = await WebhookReceiver.StartAsync();
        var deviceId = NewDeviceId("slow");
        await using var daemon = await StartDeviceAsync(deviceId);
        var (slowId, _) = await WebhookApi.RegisterAsync(fixture.Edge.Client, $"/v1/devices/{deviceId}/webhooks", slow.Url, "notification");
        await WebhookApi.RegisterAsync(fixture.Edge.Client, $"/v1/devices/{deviceId}/webhooks", fast.Url, "notification");

        for (var i = 0; i < 5; i++)
        {
            daemon.Daemon.Notify($"n{i}");
        }

        await Eventually.TrueAsync(() => slow.Attempts.Count >= 1, "the hanging endpoint to be tried");
        await Eventually.TrueAsync(() => fast.Delivered().Count == 5, "the other endpoint to get all 5 while the first hangs");
        Assert.Empty(slow.Delivered());
        using var relayed = await fixture.Edge.Client.GetAsync($"/v1/devices/{deviceId}/api/device", Token);
        Assert.Equal(HttpStatusCode.OK, relayed.StatusCode);

        using var deleted = await fixture.Edge.Client.DeleteAsync($"/v1/devices/{deviceId}/webhooks/{slowId}", Token);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var listed = await WebhookApi.GetAsync(fixture.Edge.Client, $"/v1/devices/{deviceId}/webhooks");
        Assert.Equal([fast.Url.ToString()], listed.EnumerateArray().Select(w => w.GetProperty("url").GetString()));
        Assert.All(listed.EnumerateArray(), w => Assert.False(w.TryGetProperty("secret", out _), "a listing never shows the secret"));
    }

    [Fact]
    public async Task EndpointThatAlwaysFails_EventIsDeadLettered_AndListed()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = _ => 503;
        var deviceId = NewDeviceId("dead");
        await using var daemon = await StartDeviceAsync(deviceId);
        var (webhookId, _) = await WebhookApi.RegisterAsync(fixture.Edge.Client, $"/v1/devices/{deviceId}/webhooks", receiver.Url, "notification");
        daemon.Daemon.Notify("doomed");

        var path = $"/v1/devices/{deviceId}/webhooks/{webhookId}/dead-letters";
        await Eventually.TrueAsync(
            async () => (await WebhookApi.GetAsync(fixture.Edge.Client, path)).GetArrayLength() == 1,
            "the failing delivery to be dead-lettered",
            WebhookFixture.MaxRetryDuration + TimeSpan.FromSeconds(30));
        var deadLetter = (await WebhookApi.GetAsync(fixture.Edge.Client, path))[0];
        var eventId = deadLetter.GetProperty("eventId").GetInt64();
        Assert.Equal($"{deviceId}/{eventId}", deadLetter.GetProperty("messageId").GetString());
        Assert.Equal("notification", deadLetter.GetProperty("kind").GetString());
        Assert.Equal("HTTP 503", deadLetter.GetProperty("lastError").GetString());
        Assert.Equal(receiver.Attempts.Count, deadLetter.GetProperty("attempts").GetInt32());
        Assert.True(receiver.Attempts.Count >= 2, "retried before giving up");
        Assert.All(receiver.Attempts, a => Assert.Equal($"{deviceId}/{eventId}", a.MessageId));
    }

    [Fact]
    public async Task AccountWideWebhook_RegisteredByAnOperator_GetsTheAccountsDeviceEvents()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var deviceId = NewDeviceId("acct");
        await using var daemon = await StartDeviceAsync(deviceId);
        using (var unnamed = await fixture.Edge.Client.PostAsync("/v1/webhooks", JsonContent.Create(new { url = receiver.Url.ToString() }), Token))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unnamed.StatusCode);
        }

        var (webhookId, secret) = await WebhookApi.RegisterAsync(fixture.Edge.Client, "/v1/webhooks?account=owner@example.com", receiver.Url, "notification");
        try
        {
            daemon.Daemon.Notify("for the account");
            await Eventually.TrueAsync(
                () => receiver.Delivered().Any(a => a.Json.GetProperty("data").GetProperty("deviceId").GetString() == deviceId),
                "the account's device's notification to be delivered");
            var mine = receiver.Delivered().First(a => a.Json.GetProperty("data").GetProperty("deviceId").GetString() == deviceId);
            Assert.Equal("for the account", mine.Json.GetProperty("data").GetProperty("data").GetString());
            Assert.True(mine.SignatureVerifies(secret));
        }
        finally
        {
            using var deleted = await fixture.Edge.Client.DeleteAsync($"/v1/webhooks/{webhookId}?account=owner@example.com", Token);
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
    }

    private static string NewDeviceId(string purpose) => WebhookFixture.NewDeviceId(purpose);

    private Task<TestDaemon> StartDeviceAsync(string deviceId) => fixture.StartDeviceAsync(deviceId);
}
