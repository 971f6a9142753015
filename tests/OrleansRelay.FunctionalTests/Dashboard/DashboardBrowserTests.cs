using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Playwright;
using OrleansRelay.Device.Notifications;
using OrleansRelay.FunctionalTests.TestUtilities;
using OrleansRelay.Wire.Messages;

namespace OrleansRelay.FunctionalTests.Dashboard;

/// <summary>The dashboard in a real browser (Debian's Chromium, headless, through Playwright), at phone width.</summary>
public sealed class DashboardBrowserTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SignIn_DeviceOnline_LiveNotification_RequestConsole_ThenOffline()
    {
        await using var silo = await TestSilo.StartAsync();
        await using var edge = await TestEdge.StartAsync(silo.Cluster);
        await using var service = await TestDeviceService.StartAsync();
        var daemon = await TestDaemon.StartAsync("dash-1", await edge.ProvisionAsync("dash-1"), service.BaseUri, edge.DevicePort);
        var fifoPath = Path.Combine(Path.GetTempPath(), $"orleansrelay-dash-{Guid.NewGuid():N}.fifo");
        var fifo = NotificationFifo.Start(fifoPath, daemon.Daemon, NotificationMessage.MaxTextBytes, NullLoggerFactory.Instance);
        var daemonStopped = false;
        try
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await TestBrowser.LaunchAsync(playwright);
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 390, Height = 844 } });
            var errors = new List<string>();
            page.PageError += (_, error) => errors.Add(error);
            // Every resource the browser fails to load shows as a console error, also those it asks for by itself (the icon),
            // which Playwright's network events do not report.
            var loadErrors = new System.Collections.Concurrent.ConcurrentQueue<string>();
            page.Console += (_, message) =>
            {
                TestContext.Current.TestOutputHelper?.WriteLine($"browser {message.Type}: {message.Text} ({message.Location})");
                if (message.Type == "error" && message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
                {
                    loadErrors.Enqueue($"{message.Text} ({message.Location})");
                }
            };
            var failed = new System.Collections.Concurrent.ConcurrentQueue<string>();
            page.Response += (_, response) =>
            {
                if (response.Status >= 400)
                {
                    failed.Enqueue($"{response.Status} {new Uri(response.Url).PathAndQuery}");
                }
            };
            page.RequestFailed += (_, request) => failed.Enqueue($"failed {request.Url}: {request.Failure}");

            await page.GotoAsync($"{edge.Client.BaseAddress}?device=dash-1");
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            Assert.Empty(failed);
            Assert.Empty(loadErrors);
            await page.ClickAsync("#sign-in-form summary");
            await page.FillAsync("#key", "not-the-key-at-all-000");
            await page.ClickAsync("#sign-in-form button[type=submit]");
            await Assertions.Expect(page.Locator("#sign-in-error")).ToHaveTextAsync("That key was not accepted.");

            await page.FillAsync("#key", TestEdge.AdminKey);
            await page.ClickAsync("#sign-in-form button[type=submit]");
            var card = page.Locator("li.device[data-device-id='dash-1']");
            // The first listing after sign-in asks the device's grain for its status, which waits (bounded, 3 s) for the
            // session search of a fresh activation: more than Playwright's 5 s default on a loaded machine.
            await Assertions.Expect(card.Locator(".presence")).ToHaveTextAsync("online", new() { Timeout = 20_000 });
            await Assertions.Expect(page.Locator("#hub-state")).ToHaveTextAsync("Live");

            // A line written to the device's named pipe shows on the page within 2 s.
            await File.AppendAllTextAsync(fifoPath, "door=open\n", Token);
            await Assertions.Expect(card.Locator(".feed li").First).ToContainTextAsync("door=open", new LocatorAssertionsToContainTextOptions { Timeout = 2000 });

            // The request console relays to the device and shows status, timing and the cache header.
            await card.Locator("summary", new LocatorLocatorOptions { HasText = "Request console" }).ClickAsync();
            await card.Locator("input[name=path]").FillAsync("/device");
            await card.Locator(".console button[type=submit]").ClickAsync();
            await Assertions.Expect(card.Locator(".status")).ToContainTextAsync("200");
            await Assertions.Expect(card.Locator(".status")).ToContainTextAsync("X-Cache: MISS");

            // The daemon stops: the device goes offline, and says why.
            fifo.Dispose();
            await daemon.DisposeAsync();
            daemonStopped = true;
            await Assertions.Expect(card.Locator(".presence")).ToHaveTextAsync("offline (graceful)");

            var artifacts = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts"));
            var screenshot = Path.Combine(artifacts.FullName, "dashboard.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
            TestContext.Current.TestOutputHelper?.WriteLine($"Screenshot: {screenshot}");
            Assert.True(errors.Count == 0, string.Join("\n", errors));
            // The one refusal is the wrong key's, on purpose.
            Assert.Equal(["401 /v1/admin/key"], failed.ToArray());
            Assert.Single(loadErrors);
        }
        finally
        {
            fifo.Dispose();
            if (!daemonStopped)
            {
                await daemon.DisposeAsync();
            }

            File.Delete(fifoPath);
            File.Delete(NotificationFifo.AckPathOf(fifoPath));
        }
    }
}
