using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace InfoPortal.Tests.TestSupport;

/// <summary>
/// Runs only where Debian's Chromium is installed — and always under CI=true, where a missing
/// browser is a failure, not a skip.
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(ChromiumPath) && !TestDatabase.IsCi)
        {
            Skip = $"Debian's chromium is not installed ({ChromiumPath}); .ci/run installs it.";
        }
    }
}

/// <summary>A theory that runs where <see cref="ChromiumFactAttribute"/> runs (e.g. the tour, once per role).</summary>
public sealed class ChromiumTheoryAttribute : TheoryAttribute
{
    public ChromiumTheoryAttribute()
    {
        if (!File.Exists(ChromiumFactAttribute.ChromiumPath) && !TestDatabase.IsCi)
        {
            Skip = $"Debian's chromium is not installed ({ChromiumFactAttribute.ChromiumPath}); .ci/run installs it.";
        }
    }
}

/// <summary>
/// The real app on Kestrel (a real socket on loopback) and a headless Debian Chromium driven by
/// Playwright. Screenshots go to <c>screenshots/</c> in the test output folder.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public PortalFactory App { get; } = new();

    public IBrowser Browser { get; private set; } = default!;

    public string BaseUrl { get; private set; } = "";

    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    /// <summary>The server's open circuits (every browser test's app counts them).</summary>
    public CircuitCounter Circuits { get; } = new();

    public async Task InitializeAsync()
    {
        // A tab that navigates away closes its circuit with an unload beacon; when the beacon is lost
        // (a busy CI machine), the server keeps the circuit for the retention period (3 minutes by
        // default) in case the tab reconnects. No browser test reconnects, and tests that wait for
        // circuits to close wait at most a minute, so a lost beacon frees its circuit in seconds here.
        App.WithServices(s => s
            .AddSingleton(Circuits)
            .AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, CircuitCounter.Handler>()
            .Configure<Microsoft.AspNetCore.Components.Server.CircuitOptions>(o => o.DisconnectedCircuitRetentionPeriod = TimeSpan.FromSeconds(5)));
        App.UseKestrel(0);
        App.StartServer();
        BaseUrl = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => a.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal))
            .First(a => a.StartsWith("http://", StringComparison.Ordinal));
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumFactAttribute.ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
        });
        Directory.CreateDirectory(ScreenshotFolder);
    }

    public async Task<IPage> NewPageAsync(string locale = "zh-CN")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { Locale = locale, BaseURL = BaseUrl, ViewportSize = new ViewportSize { Width = 1366, Height = 900 } });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    /// <summary>Signs in through the real sign-in page.</summary>
    public static async Task SignInAsync(IPage page, string user, string password = PortalFactory.DemoPassword)
    {
        await page.GotoAsync("/account/login");
        await page.FillAsync("#userName", user);
        await page.FillAsync("#password", password);
        await page.ClickAsync("[data-test=login-submit]");
        await page.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));
    }

    /// <summary>Waits until the interactive circuit is connected, so clicks reach .NET.</summary>
    public static async Task WaitForCircuitAsync(IPage page)
    {
        await page.WaitForFunctionAsync("() => window.Blazor !== undefined && document.querySelector('.mud-layout') !== null");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    }

    /// <summary>
    /// Waits for the address to match; when it does not, fails with what the page says instead
    /// (field errors, snackbars) and a screenshot, so a red CI run can be read without re-running it.
    /// </summary>
    public static async Task WaitForUrlOrExplainAsync(IPage page, string pattern, string shotName)
    {
        try
        {
            await page.WaitForURLAsync(url => System.Text.RegularExpressions.Regex.IsMatch(url, pattern));
        }
        catch (TimeoutException ex)
        {
            var shot = await ScreenshotAsync(page, "failed-" + shotName);
            var said = await page.EvaluateAsync<string>(
                "() => [...document.querySelectorAll('.mud-snackbar, .mud-input-helper-text, [role=alert], .mud-alert')].map(e => e.innerText.trim()).filter(t => t).join(' | ')");
            throw new TimeoutException($"still at {page.Url}, not /{pattern}/; the page says: [{said}]; screenshot {shot}", ex);
        }
    }

    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(ScreenshotFolder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        await App.DisposeAsync();
    }
}

/// <summary>Browser tests run on their own, after the rest: two cores do not stretch to a browser and a busy suite.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserTestGroup
{
    public const string Name = "Browser";
}
