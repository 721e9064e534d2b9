using Microsoft.Playwright;

namespace InfoPortal.Tests.TestSupport;

/// <summary>
/// Playwright helpers for interactive Blazor Server pages. A click that lands after the
/// prerendered HTML is shown but before the circuit is connected does nothing, so clicks that
/// must reach .NET are retried until their visible effect appears.
/// </summary>
public static class BlazorPageExtensions
{
    /// <summary>Clicks <paramref name="target"/> until <paramref name="effect"/> is visible.</summary>
    public static async Task ClickUntilVisibleAsync(this ILocator target, ILocator effect, int attempts = 10)
    {
        for (var attempt = 1; ; attempt++)
        {
            await target.ClickAsync();
            try
            {
                await effect.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 2_000 });
                return;
            }
            catch (TimeoutException) when (attempt < attempts)
            {
                // The circuit was not ready yet; click again.
            }
        }
    }

    /// <summary>A full-page screenshot at <c>screenshots/{folder}/{name}.png</c> in the test output; returns the path.</summary>
    public static async Task<string> ShotAsync(this IPage page, string folder, string name)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "screenshots", folder);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }
}
