using Microsoft.Playwright;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.Webhooks;

/// <summary>A device's webhooks on its dashboard page, in a real browser (Debian's Chromium through Playwright).</summary>
[Collection(WebhookCollection.Name)]
public sealed class WebhookDashboardBrowserTests(WebhookFixture fixture)
{
    [Fact]
    public async Task Operator_RegistersAWebhook_SeesItsDeadLetter_ThenDeletesIt()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = _ => 503;
        var deviceId = WebhookFixture.NewDeviceId("dash");
        await using var daemon = await fixture.StartDeviceAsync(deviceId);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await TestBrowser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 390, Height = 844 } });
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync($"{fixture.Edge.Client.BaseAddress}?device={deviceId}");
        await page.ClickAsync("#sign-in-form summary");
        await page.FillAsync("#key", TestEdge.AdminKey);
        await page.ClickAsync("#sign-in-form button[type=submit]");
        var card = page.Locator($"li.device[data-device-id='{deviceId}']");
        await Assertions.Expect(card.Locator(".presence")).ToHaveTextAsync("online", new() { Timeout = 20_000 });

        // Opening the section lists the device's webhooks: none yet.
        var section = card.Locator("details.webhooks");
        await section.Locator("summary").ClickAsync();
        await Assertions.Expect(section.Locator(".webhook-summary")).ToHaveTextAsync("No webhooks for this device.");

        // A refused registration says why, on the page.
        await section.Locator("input[name=url]").FillAsync("https://user:pass@hooks.example.com/relay");
        await section.Locator(".webhook-add button[type=submit]").ClickAsync();
        await Assertions.Expect(section.Locator(".webhook-error")).ToContainTextAsync("Not registered (400)");
        await Assertions.Expect(section.Locator(".webhook-list li.webhook")).ToHaveCountAsync(0);

        // Notifications only: the registration shows the signing secret once and lists the webhook.
        await section.Locator("input[name=url]").FillAsync(receiver.Url.ToString());
        await section.Locator("input[value=presence]").UncheckAsync();
        await section.Locator(".webhook-add button[type=submit]").ClickAsync();
        await Assertions.Expect(section.Locator(".webhook-secret code")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^whsec_.{20,}$"));
        var listed = section.Locator(".webhook-list li.webhook");
        await Assertions.Expect(listed).ToHaveCountAsync(1);
        await Assertions.Expect(listed.Locator(".webhook-url")).ToHaveTextAsync(receiver.Url.ToString());
        await Assertions.Expect(listed.Locator(".webhook-meta")).ToContainTextAsync("notification ·");
        await Assertions.Expect(listed.Locator(".dead-letter-summary")).ToHaveTextAsync("No dead-lettered deliveries.");
        var webhookId = await listed.GetAttributeAsync("data-webhook-id");
        Assert.NotNull(webhookId);

        // The endpoint keeps failing: once the API lists the dead letter, the page's Refresh shows it.
        daemon.Daemon.Notify("doomed");
        var deadLetters = $"/v1/devices/{deviceId}/webhooks/{webhookId}/dead-letters";
        await Eventually.TrueAsync(
            async () => (await WebhookApi.GetAsync(fixture.Edge.Client, deadLetters)).GetArrayLength() == 1,
            "the failing delivery to be dead-lettered",
            WebhookFixture.MaxRetryDuration + TimeSpan.FromSeconds(30));
        var messageId = (await WebhookApi.GetAsync(fixture.Edge.Client, deadLetters))[0].GetProperty("messageId").GetString();
        await section.Locator(".refresh-webhooks").ClickAsync();
        var letter = listed.Locator(".dead-letters li");
        await Assertions.Expect(letter).ToHaveCountAsync(1);
        await Assertions.Expect(letter).ToHaveAttributeAsync("data-message-id", messageId!);
        await Assertions.Expect(letter).ToContainTextAsync("HTTP 503");
        await Assertions.Expect(listed.Locator(".dead-letter-summary")).ToHaveTextAsync("1 dead-lettered delivery (newest last):");
        var artifacts = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts"));
        await section.ScreenshotAsync(new() { Path = Path.Combine(artifacts.FullName, "webhooks-phone.png") });

        // Deleting asks first, then the webhook is gone from the page and from the API.
        await listed.Locator(".delete-webhook").ClickAsync();
        await Assertions.Expect(page.Locator("#confirm")).ToBeVisibleAsync();
        await page.ClickAsync("#confirm-ok");
        await Assertions.Expect(section.Locator(".webhook-summary")).ToHaveTextAsync("No webhooks for this device.");
        await Assertions.Expect(section.Locator(".webhook-secret")).ToBeHiddenAsync();
        Assert.Equal(0, (await WebhookApi.GetAsync(fixture.Edge.Client, $"/v1/devices/{deviceId}/webhooks")).GetArrayLength());
        Assert.Empty(errors);
    }
}
