using System.Net;
using System.Text.RegularExpressions;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace InfoPortal.Tests.Browser;

/// <summary>
/// Issue 11 "day one for every role", in a real Chromium: a tour of every menu entry per role
/// (screenshots kept as CI artifacts: <c>tour-*.png</c>), the officer's way to the 申请表, and a
/// double-clicked approval.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed partial class DayOneBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    public static TheoryData<string> Roles => ["officer", "depthead", "director", "leader", "principal", "publisher", "secrecy", "assessor", "sysadmin", "auditor"];

    /// <summary>Latin words a zh-CN page may show: names of things, not sentences (the brand, formats, the other language's name, demo user names).</summary>
    private static readonly HashSet<string> AllowedLatin = new(StringComparer.Ordinal)
    {
        "English", "PDF", "Word", "Excel", "SHA", "InfoPortal", "Hangfire", "CSV", "ZIP", "URL", "IP", "API", "ID", "No",
    };

    [ChromiumTheory]
    [MemberData(nameof(Roles))]
    public async Task Tour_EveryMenuEntry_HasAHeading_NoConsoleError_NoEnglish(string user)
    {
        var context = await browser.Browser.NewContextAsync(new() { Locale = "zh-CN", BaseURL = browser.BaseUrl, ViewportSize = new() { Width = 1440, Height = 900 } });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") errors.Add($"{page.Url}: {m.Text}"); };
        page.PageError += (_, e) => errors.Add($"{page.Url}: {e}");
        await BrowserFixture.SignInAsync(page, user);
        await BrowserFixture.WaitForCircuitAsync(page);

        var hrefs = await page.EvalOnSelectorAllAsync<string[]>(".mud-navmenu a[href]", "links => [...new Set(links.map(a => a.getAttribute('href')))]");
        Assert.NotEmpty(hrefs);
        var findings = new List<string>();
        var n = 0;
        foreach (var href in hrefs)
        {
            var link = page.Locator($".mud-navmenu a[href='{href}']").First;
            if (!await link.IsVisibleAsync())
            {
                // A collapsed group (统计考核): open it, as a person would.
                await page.Locator($".mud-nav-group:has(a[href='{href}']) > .mud-nav-link, .mud-nav-group:has(a[href='{href}']) > button").First.ClickAsync();
                await link.WaitForAsync();
            }

            // In-circuit navigation changes the address before the new page renders: wait for its heading.
            var before = await page.EvaluateAsync<string>("() => document.querySelector('h1')?.innerText ?? ''");
            await link.ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).PathAndQuery.StartsWith(href, StringComparison.Ordinal));
            try
            {
                await page.WaitForFunctionAsync("prev => { const h = document.querySelector('h1'); return h !== null && h.innerText !== prev; }", before, new() { Timeout = 10_000 });
            }
            catch (TimeoutException)
            {
                // Same heading or none: CheckPageAsync reports a missing h1.
            }

            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            var shot = await BrowserFixture.ScreenshotAsync(page, $"tour-{user}-{++n:D2}{Slug(href)}");
            findings.AddRange((await CheckPageAsync(page)).Select(f => $"{href}: {f}"));
            Assert.True(new FileInfo(shot).Length > 1000, shot);
        }

        await context.CloseAsync();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        Assert.True(findings.Count == 0, string.Join("\n", findings));
    }

    [ChromiumFact]
    public async Task Tour_Phone_HomeFitsAndSignOutIsReachable()
    {
        foreach (var user in new[] { "officer", "publisher" })
        {
            var context = await browser.Browser.NewContextAsync(new() { Locale = "zh-CN", BaseURL = browser.BaseUrl, ViewportSize = new() { Width = 390, Height = 844 } });
            var page = await context.NewPageAsync();
            await BrowserFixture.SignInAsync(page, user);
            await BrowserFixture.WaitForCircuitAsync(page);
            await BrowserFixture.ScreenshotAsync(page, $"tour-{user}-phone-home");
            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the home page scrolls sideways at 390 px");
            var signOut = page.Locator("[data-test=sign-out]");
            var box = await signOut.BoundingBoxAsync();
            Assert.NotNull(box);
            Assert.True(box!.X >= 0 && box.X + box.Width <= 390, $"sign-out at {box.X}+{box.Width}");
            var title = await page.Locator("[data-test=app-name]").BoundingBoxAsync();
            Assert.True(title is null || title.Height < 40, "the site name wraps one character per line");

            // The menu opens over the page and closes again once an entry is chosen (the entries are
            // plain links since ADR 0055; MudNavLink used to close the drawer itself).
            // The bell's panel spans the phone's width instead of hanging off its left edge.
            await page.ClickAsync(".bell-button");
            var panel = await page.Locator("[data-test=bell-menu]").BoundingBoxAsync();
            Assert.True(panel is not null && panel.X >= 0 && panel.X + panel.Width <= 390, $"bell panel at {panel?.X}+{panel?.Width}");
            await BrowserFixture.ScreenshotAsync(page, $"tour-{user}-phone-bell");
            await page.Keyboard.PressAsync("Escape");
            await Assertions.Expect(page.Locator("[data-test=bell-menu]")).ToHaveCountAsync(0);

            // Below 960 px the menu starts hidden (ADR 0062: the layout is markup, MudBlazor's CSS decides).
            var drawer = page.Locator(".mud-drawer");
            await Assertions.Expect(drawer).Not.ToBeInViewportAsync();
            await page.ClickAsync(".mud-appbar button.mud-icon-button >> nth=0");
            await Assertions.Expect(drawer).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("mud-drawer--open"));
            await Assertions.Expect(drawer).ToBeInViewportAsync();
            await Assertions.Expect(page.Locator("[data-test=menu-overlay]")).ToBeVisibleAsync();
            await BrowserFixture.ScreenshotAsync(page, $"tour-{user}-phone-menu-open");

            // A tap beside the menu closes it; the button opens it again.
            await page.Mouse.ClickAsync(370, 400);
            await Assertions.Expect(drawer).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("mud-drawer--open"));
            await page.ClickAsync(".mud-appbar button.mud-icon-button >> nth=0");
            await Assertions.Expect(drawer).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("mud-drawer--open"));
            await page.ClickAsync(".mud-navmenu a[href='/office/requests']");
            await page.WaitForURLAsync(url => url.EndsWith("/office/requests", StringComparison.Ordinal));
            await Assertions.Expect(drawer).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("mud-drawer--open"));
            await BrowserFixture.ScreenshotAsync(page, $"tour-{user}-phone-after-menu");

            await page.GotoAsync("/");
            await BrowserFixture.ScreenshotAsync(page, $"tour-{user}-phone-public");
            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the public home scrolls sideways at 390 px");
            await context.CloseAsync();
        }
    }

    [ChromiumFact]
    public async Task Desktop_MenuButtonHidesAndShowsTheMenu_AndTheBellOpensOverThePage_AndCloses()
    {
        using (var officer = await ApiClient.SignInAsync(browser.App, "officer"))
        {
            var id = await officer.DraftAsync("铃铛浏览器测试");
            await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);
        }

        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(page, "depthead");
        await BrowserFixture.WaitForCircuitAsync(page);

        // Wide screen: the menu is beside the page; the button hides it and shows it again.
        var drawer = page.Locator(".mud-drawer");
        await Assertions.Expect(drawer).ToBeInViewportAsync();
        await page.ClickAsync("[data-test=menu-toggle]");
        await Assertions.Expect(drawer).ToHaveClassAsync(new Regex("mud-drawer--closed"));
        await Assertions.Expect(drawer).Not.ToBeInViewportAsync();
        await page.ClickAsync("[data-test=menu-toggle]");
        await Assertions.Expect(drawer).ToBeInViewportAsync();

        // The bell: a count, a menu over the page with the newest first, closed by Escape and by a click beside it.
        var count = page.Locator("[data-test=bell-count] .mud-badge");
        await Assertions.Expect(count).ToBeVisibleAsync();
        await page.ClickAsync(".bell-button");
        var menu = page.Locator("[data-test=bell-menu]");
        await Assertions.Expect(menu).ToBeVisibleAsync();
        await Assertions.Expect(menu).ToContainTextAsync("铃铛浏览器测试");
        await Assertions.Expect(page.Locator(".bell-button")).ToHaveAttributeAsync("aria-expanded", "true");
        await BrowserFixture.ScreenshotAsync(page, "bell-open");
        // The open menu has the focus (it is drawn away from the bell, by the popover provider): Tab
        // reaches its first entry, Escape closes it and gives the focus back to the bell.
        await Assertions.Expect(menu).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(page.Locator("[data-test=bell-item]").First).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(menu).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator(".bell-button")).ToBeFocusedAsync();

        await page.ClickAsync(".bell-button");
        await Assertions.Expect(menu).ToBeVisibleAsync();
        await page.Mouse.ClickAsync(700, 600);
        await Assertions.Expect(menu).ToHaveCountAsync(0);

        // An entry leads to its request and counts as read.
        await page.ClickAsync(".bell-button");
        await page.Locator("[data-test=bell-item]").Filter(new() { HasText = "铃铛浏览器测试" }).First.ClickAsync();
        // An in-circuit navigation (no load event): wait for the request's own address.
        await page.WaitForURLAsync(new Regex(@"/office/[a-z]+/\d+"), new() { WaitUntil = WaitUntilState.Commit });
        await Assertions.Expect(menu).ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(page, "bell-followed");

        // Sign-out posts the layout's form with its antiforgery field (markup since ADR 0062, not AntiforgeryToken).
        await page.ClickAsync("[data-test=sign-out]");
        await page.WaitForURLAsync(new Regex("/account/login"));
        await page.GotoAsync("/office");
        await page.WaitForURLAsync(new Regex("/account/login"));
    }

    [ChromiumFact]
    public async Task Officer_ReachesTheForm_FromHomeInOneClick_AndFromTheMenuInOne()
    {
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(page, "officer");
        await BrowserFixture.WaitForCircuitAsync(page);
        await page.ClickAsync("[data-test=home-new-request]");
        await page.WaitForURLAsync(url => url.EndsWith("/office/requests/new", StringComparison.Ordinal));
        await page.Locator("input[data-test=title]").WaitForAsync();
        await BrowserFixture.ScreenshotAsync(page, "tour-officer-form-from-home");

        await page.GotoAsync("/office/notifications");
        await BrowserFixture.WaitForCircuitAsync(page);
        await page.ClickAsync(".mud-navmenu [data-test=nav-new-request]");
        await page.WaitForURLAsync(url => url.EndsWith("/office/requests/new", StringComparison.Ordinal));
        await page.Locator("input[data-test=title]").WaitForAsync();
        Assert.Equal("填写申请表", (await page.Locator(".mud-navmenu [data-test=nav-new-request]").InnerTextAsync()).Trim());
    }

    [ChromiumFact]
    public async Task Approve_DoubleClicked_RecordsOneDecision_AndShowsOneSuccess()
    {
        using var officer = await ApiClient.SignInAsync(browser.App, "officer");
        var id = await officer.DraftAsync("双击审核：县局工作动态");
        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);

        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(page, "depthead");
        await page.GotoAsync($"/office/requests/{id}");
        await BrowserFixture.WaitForCircuitAsync(page);
        // On a cold, busy server the first click can land before the circuit handles events: click
        // until the dialog is there (a closed dialog records nothing), with a deadline.
        var opinion = page.Locator(".mud-dialog textarea").First;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await opinion.IsVisibleAsync())
        {
            Assert.True(DateTime.UtcNow < deadline, "the approval dialog did not open");
            try
            {
                await page.ClickAsync("[data-test=approve]", new() { Timeout = 5_000 });
                await opinion.WaitForAsync(new() { Timeout = 5_000 });
            }
            catch (TimeoutException)
            {
                // Not yet interactive: click again.
            }
        }

        await BrowserFixture.ScreenshotAsync(page, "tour-depthead-approve-dialog");

        Assert.Equal("", await opinion.InputValueAsync()); // not prefilled: typing must not append to 同意发布。
        await page.DblClickAsync("[data-test=confirm-decision]");
        await page.Locator("[data-test=outcome]").First.WaitForAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await BrowserFixture.ScreenshotAsync(page, "tour-depthead-double-click-approve");

        Assert.Equal(1, await page.Locator("[data-test=outcome]").CountAsync());
        Assert.Contains("已转交", await page.Locator("[data-test=outcome]").InnerTextAsync());
        // One success, not a red refusal of a second decision over it.
        Assert.Contains("success", await page.Locator("[data-test=outcome]").GetAttributeAsync("class") ?? "", StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("[class*=mud-alert][class*=error]").CountAsync());
        await using var db = browser.App.CreateDbContext();
        var decisions = await db.Requests.Where(r => r.Id == id).SelectMany(r => r.Decisions).ToListAsync();
        var decision = Assert.Single(decisions);
        Assert.Equal("同意发布。", decision.Opinion);
    }

    /// <summary>The page's problems: no h1; a resource key, an enum name or an English word on a zh-CN page.</summary>
    private static async Task<List<string>> CheckPageAsync(IPage page)
    {
        var findings = new List<string>();
        if (await page.Locator("h1").CountAsync() == 0)
        {
            findings.Add("no h1");
        }

        // Visible text and the words screen readers speak; codes shown as codes (hashes, the
        // authenticator key in <code>) are not sentences and are left out.
        var text = await page.EvaluateAsync<string>("""
            () => {
              const skip = 'code,kbd,samp,.hash,script,style,[translate="no"]';
              const out = [];
              const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
              while (walker.nextNode()) {
                const parent = walker.currentNode.parentElement;
                if (parent && !parent.closest(skip) && parent.checkVisibility()) out.push(walker.currentNode.nodeValue);
              }
              for (const e of document.querySelectorAll('[aria-label],[title],[placeholder]')) {
                if (e.closest(skip)) continue;
                for (const name of ['aria-label', 'title', 'placeholder']) { const v = e.getAttribute(name); if (v) out.push(v); }
              }
              return out.join('\n');
            }
            """);
        foreach (Match m in Key().Matches(text))
        {
            findings.Add("key " + m.Value);
        }

        foreach (Match m in LatinWord().Matches(text))
        {
            if (!AllowedLatin.Contains(m.Value) && !DemoUserName().IsMatch(m.Value))
            {
                findings.Add("English " + m.Value);
            }
        }

        return [.. findings.Distinct()];
    }

    private static string Slug(string href) => Regex.Replace(href, "[^a-z0-9]+", "-").TrimEnd('-');

    [GeneratedRegex(@"\b[A-Z][A-Za-z]+\.[A-Z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)*\b")]
    private static partial Regex Key();

    /// <summary>A word of two or more Latin letters standing alone (not part of a hash, file name, address or version).</summary>
    [GeneratedRegex(@"(?<![A-Za-z0-9_\-./:@#])[A-Za-z]{2,}(?![A-Za-z0-9_\-./:@#])")]
    private static partial Regex LatinWord();

    [GeneratedRegex(@"^(officer\d?|depthead\d?|clerk|officehead|director|leader|principal|publisher|secrecy|assessor|sysadmin|auditor)$")]
    private static partial Regex DemoUserName();
}
