using System.Collections.Concurrent;
using System.Net;
using Microsoft.Playwright;
using OrleansRelay.FunctionalTests.Accounts;
using OrleansRelay.FunctionalTests.Fleet;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.Dashboard;

/// <summary>
/// The fleet dashboard in Debian's Chromium (Playwright) with 1,000 simulated devices connected (the load tester's
/// fleet) plus two real daemons of two owners: the operator's totals, search, device page (live notification, cache
/// purge), the live charts; an owner sees only their own device. Screenshots at desktop and phone width.
/// </summary>
public sealed class FleetDashboardBrowserTests
{
    private const int FleetSize = 1000;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThousandDevices_OperatorSearchesOpensPurgesWatchesCharts_UserSeesOnlyOwn()
    {
        await using var silo = await AccountFixture.StartSiloAsync(TimeSpan.FromHours(1));
        await using var edge = await TestEdge.StartAsync(silo.Cluster, AccountFixture.EdgeSettings());
        var ids = Enumerable.Range(0, FleetSize).Select(i => $"sim-{i:D4}").ToArray();
        await using var fleet = await SimulatedFleet.ConnectAsync(edge, ids);

        // Two owners with one real daemon each; only the first confirms an account.
        var ownerEmail = AccountFixture.NewEmail("fleet-owner");
        await using var ownerService = await AccountDeviceService.StartAsync(ownerEmail);
        await using var ownerDaemon = await TestDaemon.StartAsync("owned-by-user", await edge.ProvisionAsync("owned-by-user"), ownerService.BaseUri, edge.DevicePort);
        await using var otherService = await AccountDeviceService.StartAsync(AccountFixture.NewEmail("someone-else"));
        await using var otherDaemon = await TestDaemon.StartAsync("owned-by-other", await edge.ProvisionAsync("owned-by-other"), otherService.BaseUri, edge.DevicePort);
        using (var anonymous = AccountFixture.Anonymous(edge))
        using (var set = await AccountFixture.SetPasswordAsync(anonymous, await AccountFixture.ConfirmationMailAsync(ownerEmail), AccountFixture.Password))
        {
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        }

        await FleetApi.IndexShowsAsync(edge, FleetSize + 2, FleetSize + 2, TimeSpan.FromSeconds(60));
        var (target, prefix) = UniqueNamePrefix(fleet);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await TestBrowser.LaunchAsync(playwright);
        await using var operatorContext = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 }, Locale = "en-US" });
        var page = await operatorContext.NewPageAsync();
        var problems = Watch(page);
        await page.GotoAsync(edge.Client.BaseAddress!.ToString());
        await page.ClickAsync("#sign-in-form summary");
        await page.FillAsync("#key", TestEdge.AdminKey);
        await page.ClickAsync("#sign-in-form button[type=submit]");

        // The totals at a glance, and the first page of the list.
        await Assertions.Expect(page.Locator("#total-registered")).ToHaveTextAsync("1,002", new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("#total-online")).ToHaveTextAsync("1,002");
        await Assertions.Expect(page.Locator("#total-offline")).ToHaveTextAsync("0");
        await Assertions.Expect(page.Locator("#fleet-rows tr")).ToHaveCountAsync(25);
        await Assertions.Expect(page.Locator("#hub-state")).ToHaveTextAsync("Live");

        // One device found by a prefix of its name, typed as a person would.
        await page.Locator("#fleet-q").PressSequentiallyAsync(prefix);
        var row = page.Locator($"#fleet-rows tr[data-device-id='{target.DeviceId}']");
        await Assertions.Expect(page.Locator("#fleet-rows tr")).ToHaveCountAsync(1);
        await Assertions.Expect(row.Locator(".presence")).ToHaveTextAsync("online");

        // Its page, opened from the keyboard: the session, then a notification sent after the page loaded.
        await row.Locator("a.open").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var card = page.Locator($"li.device[data-device-id='{target.DeviceId}']");
        await Assertions.Expect(card.Locator(".presence")).ToHaveTextAsync("online");
        await Assertions.Expect(card.Locator(".session-edge")).Not.ToHaveTextAsync("–");
        await Assertions.Expect(card.Locator(".feed li").First).ToContainTextAsync("online");
        Assert.Contains($"device={target.DeviceId}", page.Url, StringComparison.Ordinal);
        fleet.Device(target.DeviceId).Notifications.Add("fleet-note=42");
        await Assertions.Expect(card.Locator(".feed li").First).ToContainTextAsync("fleet-note=42", new() { Timeout = 5000 });

        // A cached response, then the purge (behind a confirmation).
        using (var cached = await edge.Client.GetAsync(new Uri($"/v1/devices/{target.DeviceId}/api/device", UriKind.Relative), Token))
        {
            Assert.Equal(HttpStatusCode.OK, cached.StatusCode);
        }

        await card.Locator("summary", new() { HasText = "Cache" }).ClickAsync();
        await card.Locator(".refresh-cache").ClickAsync();
        await Assertions.Expect(card.Locator(".cache-entries li")).ToHaveCountAsync(1);
        await card.Locator(".purge").ClickAsync();
        await Assertions.Expect(page.Locator("#confirm")).ToBeVisibleAsync();
        await page.ClickAsync("#confirm-ok");
        await Assertions.Expect(card.Locator(".cache-summary")).ToContainTextAsync("Purged 1 cached response.");
        await Assertions.Expect(card.Locator(".cache-entries li")).ToHaveCountAsync(0);
        var artifacts = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(artifacts.FullName, "fleet-device-desktop.png"), FullPage = true });

        // Back to the list: while requests run, the requests chart's latest point moves (twice) and is above zero.
        await page.ClickAsync("#back");
        await Assertions.Expect(page.Locator("#fleet-rows tr")).ToHaveCountAsync(1);
        await page.FillAsync("#fleet-q", "");
        await Assertions.Expect(page.Locator("#fleet-rows tr")).ToHaveCountAsync(25);
        using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(Token);
        stopLoad.CancelAfter(TimeSpan.FromSeconds(90));
        var load = RunRequestsAsync(edge, ids, stopLoad.Token);
        var chart = page.Locator("figure[data-chart='requests']");
        for (var move = 0; move < 2; move++)
        {
            var before = await chart.GetAttributeAsync("data-latest-at") ?? "";
            await page.WaitForFunctionAsync(
                "before => { const f = document.querySelector(\"figure[data-chart='requests']\"); return f.dataset.latestAt && f.dataset.latestAt !== before && Number(f.dataset.latest) > 0; }",
                before,
                new() { Timeout = 30_000 });
        }

        await Assertions.Expect(page.Locator("figure[data-chart='online'] .latest")).ToContainTextAsync("1,002");
        await page.ScreenshotAsync(new() { Path = Path.Combine(artifacts.FullName, "fleet-desktop.png"), FullPage = true });
        await page.SetViewportSizeAsync(390, 844);
        await page.ScreenshotAsync(new() { Path = Path.Combine(artifacts.FullName, "fleet-phone.png") });
        await page.Locator("#fleet-filter").ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(artifacts.FullName, "fleet-phone-list.png") });
        await stopLoad.CancelAsync();
        var sent = await load;
        Assert.True(sent > 0, "no requests were relayed");

        // A listed device goes offline: its row and the totals follow without a reload.
        await page.SetViewportSizeAsync(1280, 900);
        await page.FillAsync("#fleet-q", "owned-by-other");
        var otherRow = page.Locator("#fleet-rows tr[data-device-id='owned-by-other']");
        await Assertions.Expect(otherRow.Locator(".presence")).ToHaveTextAsync("online");
        await otherDaemon.DisposeAsync();
        await Assertions.Expect(otherRow.Locator(".presence")).ToHaveTextAsync("offline (graceful)");
        await Assertions.Expect(page.Locator("#total-online")).ToHaveTextAsync("1,001", new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#offline-reasons")).ToContainTextAsync("graceful: 1");

        // Its page: rotate its secret, then deregister it, each confirmed in the dialog; the list and totals follow.
        await otherRow.Locator("a.open").ClickAsync();
        var otherCard = page.Locator("li.device[data-device-id='owned-by-other']");
        await otherCard.Locator("summary", new() { HasText = "Credentials" }).ClickAsync();
        await otherCard.Locator(".rotate").ClickAsync();
        await page.ClickAsync("#confirm-ok");
        await Assertions.Expect(otherCard.Locator(".secret code")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^.{20,}$"));
        await otherCard.Locator(".deregister").ClickAsync();
        await Assertions.Expect(page.Locator("#confirm-text")).ToContainTextAsync("Deregister owned-by-other?");
        await page.ClickAsync("#confirm-ok");
        await Assertions.Expect(page.Locator("#fleet")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#total-registered")).ToHaveTextAsync("1,001", new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#fleet-rows tr")).ToHaveCountAsync(0);

        // The notification sent earlier is in the index too (its time, written within the notification interval).
        await Eventually.TrueAsync(
            async () => (await FleetApi.GetAsync(edge.Client, $"/v1/admin/devices?q={target.DeviceId}")).GetProperty("devices")[0].GetProperty("lastNotificationAt").ValueKind == System.Text.Json.JsonValueKind.String,
            "the target's last notification time in the index");
        problems.AssertNone();

        // The owner, on a phone: only their own device, no operator parts; the operator API refuses the token.
        await using var userContext = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 390, Height = 844 }, Locale = "en-US" });
        var userPage = await userContext.NewPageAsync();
        var userProblems = Watch(userPage);
        await userPage.GotoAsync(edge.Client.BaseAddress!.ToString());
        await userPage.FillAsync("#email", ownerEmail);
        await userPage.FillAsync("#password", AccountFixture.Password);
        await userPage.ClickAsync("#sign-in-form button[type=submit]");
        await Assertions.Expect(userPage.Locator("#total-registered")).ToHaveTextAsync("1", new() { Timeout = 20_000 });
        await Assertions.Expect(userPage.Locator("#fleet-rows tr")).ToHaveCountAsync(1);
        await Assertions.Expect(userPage.Locator("#fleet-rows tr[data-device-id='owned-by-user'] .presence")).ToHaveTextAsync("online");
        await Assertions.Expect(userPage.Locator("#charts")).ToBeHiddenAsync();
        await Assertions.Expect(userPage.Locator("#add-device")).ToBeHiddenAsync();
        await userPage.ClickAsync("#fleet-rows a.open");
        var userCard = userPage.Locator("li.device[data-device-id='owned-by-user']");
        await Assertions.Expect(userCard.Locator(".presence")).ToHaveTextAsync("online");
        await Assertions.Expect(userCard.Locator(".feed li").First).ToContainTextAsync("online");
        await Assertions.Expect(userCard.Locator(".cache")).ToBeHiddenAsync();
        await Assertions.Expect(userCard.Locator(".actions")).ToBeHiddenAsync();
        await userPage.ScreenshotAsync(new() { Path = Path.Combine(artifacts.FullName, "fleet-user-phone.png") });
        userProblems.AssertNone();

        var token = await AccountFixture.SignInAsync(AccountFixture.Anonymous(edge), ownerEmail);
        using var asUser = AccountFixture.Anonymous(edge, token);
        using (var refused = await asUser.GetAsync(new Uri("/v1/admin/devices", UriKind.Relative), Token))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using (var notTheirs = await asUser.GetAsync(new Uri("/v1/devices/owned-by-other/events/recent", UriKind.Relative), Token))
        {
            Assert.Equal(HttpStatusCode.NotFound, notTheirs.StatusCode);
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"Screenshots: {artifacts.FullName}; {sent} requests relayed while the chart was watched");
    }

    /// <summary>A simulated device and the shortest prefix of its name that no other device's name or id starts with.</summary>
    private static (OrleansRelay.LoadTest.Devices.DeviceProfile Device, string Prefix) UniqueNamePrefix(SimulatedFleet fleet)
    {
        var profiles = fleet.Devices.Select(d => d.Profile).ToArray();
        foreach (var candidate in profiles.Skip(FleetSize / 2))
        {
            for (var length = 3; length <= candidate.Name.Length; length++)
            {
                var prefix = candidate.Name[..length];
                if (prefix.EndsWith(' '))
                {
                    continue;
                }

                var matches = profiles.Count(p => p.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) || p.DeviceId.StartsWith(prefix, StringComparison.Ordinal));
                if (matches == 1 && !"Account test device".StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                {
                    return (candidate, prefix);
                }
            }
        }

        throw new InvalidOperationException("No simulated device has a name with a prefix of its own.");
    }

    /// <summary>Relayed GETs to devices of the fleet on four connections until <paramref name="stop"/>; returns how many.</summary>
    private static async Task<long> RunRequestsAsync(TestEdge edge, string[] ids, CancellationToken stop)
    {
        long sent = 0;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async worker =>
        {
            for (var i = worker; !stop.IsCancellationRequested; i += 4)
            {
                try
                {
                    using var response = await edge.Client.GetAsync(new Uri($"/v1/devices/{ids[i % ids.Length]}/api/device", UriKind.Relative), stop);
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                    Interlocked.Increment(ref sent);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }));
        return sent;
    }

    private static PageProblems Watch(IPage page)
    {
        var problems = new PageProblems();
        page.PageError += (_, error) => problems.Errors.Enqueue(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                problems.Errors.Enqueue($"console: {message.Text} ({message.Location})");
            }
        };
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                problems.Errors.Enqueue($"{response.Status} {new Uri(response.Url).PathAndQuery}");
            }
        };
        page.RequestFailed += (_, request) => problems.Errors.Enqueue($"failed {request.Url}: {request.Failure}");
        return problems;
    }

    private sealed class PageProblems
    {
        public ConcurrentQueue<string> Errors { get; } = new();

        public void AssertNone() => Assert.True(Errors.IsEmpty, string.Join("\n", Errors));
    }
}
