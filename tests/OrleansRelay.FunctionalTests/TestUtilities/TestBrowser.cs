using Microsoft.Playwright;

namespace OrleansRelay.FunctionalTests.TestUtilities;

/// <summary>Debian's Chromium, headless, driven by Playwright (nothing is downloaded; see environment notes).</summary>
internal static class TestBrowser
{
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = "/usr/bin/chromium",
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
    });
}
