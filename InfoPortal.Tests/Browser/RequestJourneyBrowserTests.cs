using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace InfoPortal.Tests.Browser;

/// <summary>The county procedure in a real Chromium: form with the rich-text editor, two signatures, publishing, the public page.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class RequestJourneyBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static async Task<string> ShotAsync(IPage page, string name) => await BrowserFixture.ScreenshotAsync(page, "journey-" + name);

    [ChromiumFact]
    public async Task Officer_DepthHead_Director_Publisher_PublicPageShowsIt()
    {
        var shots = new List<string>();
        var officer = await browser.NewPageAsync();
        var consoleErrors = new List<string>();
        officer.Console += (_, m) => { if (m.Type == "error") consoleErrors.Add(m.Text); };
        await BrowserFixture.SignInAsync(officer, "officer");
        await officer.GotoAsync("/office/requests/new");
        await BrowserFixture.WaitForCircuitAsync(officer);

        await officer.Locator("input[data-test=title]").FillAsync("县局召开2026年冬季药品安全工作会议");
        await officer.Locator("input[data-test=source]").FillAsync("县局办公室");
        await officer.Locator("input[data-test=columns]").ClickAsync();
        await officer.Locator(".mud-popover-open .mud-list-item", new() { HasText = "工作动态" }).ClickAsync();
        await officer.Keyboard.PressAsync("Escape");

        // The rich-text editor: type, then make a heading and bold text.
        var editor = officer.Locator("[data-test=body-editor] [contenteditable=true]");
        await editor.WaitForAsync();
        await editor.ClickAsync();
        await officer.Keyboard.TypeAsync("会议部署了冬季药品安全重点工作。");
        await officer.Keyboard.PressAsync("Control+A");
        await officer.Keyboard.PressAsync("Control+B");
        await officer.Keyboard.PressAsync("End");
        await officer.Locator("input[data-test=declaration]").CheckAsync();
        shots.Add(await ShotAsync(officer, "01-form"));
        await officer.ClickAsync("[data-test=save]");
        await officer.Locator("[data-test=saved-at]").WaitForAsync();

        // A picture with its caption.
        await officer.Locator("input[data-test=caption]").FillAsync("会议现场");
        await officer.Locator("input[type=file]").SetInputFilesAsync(new FilePayload { Name = "meeting.png", MimeType = "image/png", Buffer = TestFiles.Png(320, 200) });
        await officer.Locator(".attachments table", new() { HasText = "会议现场" }).WaitForAsync();
        shots.Add(await ShotAsync(officer, "02-with-picture"));

        await officer.ClickAsync("[data-test=submit]");
        await BrowserFixture.WaitForUrlOrExplainAsync(officer, @"/office/requests/\d+$", "journey-submit");
        var id = int.Parse(officer.Url.Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);
        await officer.Locator("[data-status=InReview]").WaitForAsync();
        shots.Add(await ShotAsync(officer, "03-submitted"));

        foreach (var (user, expected) in new[] { ("depthead", "已转交"), ("director", "已转交"), ("leader", "全部审核环节完成") })
        {
            var page = await browser.NewPageAsync();
            await BrowserFixture.SignInAsync(page, user);
            await page.GotoAsync($"/office/requests/{id}");
            await BrowserFixture.WaitForCircuitAsync(page);
            await page.ClickAsync("[data-test=approve]");
            await page.Locator("textarea[data-test=opinion]").FillAsync($"{user}：同意发布。");
            await page.ClickAsync("[data-test=confirm-decision]");
            await page.Locator("[data-test=outcome]", new() { HasText = expected }).WaitForAsync();
            shots.Add(await ShotAsync(page, $"04-{user}-approved"));
        }

        var publisher = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(publisher, "publisher");
        await publisher.GotoAsync($"/office/requests/{id}");
        await BrowserFixture.WaitForCircuitAsync(publisher);
        Assert.Contains("director：同意发布。", await publisher.Locator("[data-test=timeline]").InnerTextAsync());
        await publisher.ClickAsync("[data-test=publish]");
        await publisher.Locator("[data-test=outcome]", new() { HasText = "已发布" }).WaitForAsync();
        shots.Add(await ShotAsync(publisher, "05-published"));

        var visitor = await browser.NewPageAsync();
        var response = await visitor.GotoAsync($"/articles/{id}");
        Assert.Equal(200, response!.Status);
        Assert.Equal("县局召开2026年冬季药品安全工作会议", await visitor.Locator("h1").InnerTextAsync());
        Assert.Contains("会议部署了冬季药品安全重点工作", await visitor.Locator(".article-body").InnerTextAsync());
        Assert.Equal("会议现场", await visitor.Locator("figure figcaption").InnerTextAsync());
        Assert.Equal("会议现场", await visitor.Locator("figure img").GetAttributeAsync("alt"));
        Assert.True(await visitor.EvaluateAsync<bool>("() => document.querySelector('figure img').naturalWidth === 320"));
        Assert.False(await visitor.EvaluateAsync<bool>("() => window.Blazor !== undefined"), "no Blazor circuit on public pages");
        shots.Add(await ShotAsync(visitor, "06-public-article"));

        // The web administrator takes it down from the same page (Publishing's part of the action bar,
        // the same reason dialog as the publishing page); the public page answers 410 at once.
        await publisher.ClickAsync("[data-test=takedown]");
        await publisher.Locator("textarea[data-test=prompt-text]").FillAsync("会议信息已过时，停止发布。");
        shots.Add(await ShotAsync(publisher, "07-takedown-reason"));
        await publisher.ClickAsync("[data-test=prompt-confirm]");
        await publisher.Locator("[data-test=outcome]", new() { HasText = "已停止发布" }).WaitForAsync();
        await publisher.Locator("[data-status=TakenDown]").WaitForAsync();
        shots.Add(await ShotAsync(publisher, "08-taken-down"));
        Assert.Equal(410, (await visitor.GotoAsync($"/articles/{id}"))!.Status);

        await using var db = browser.App.CreateDbContext();
        var request = await db.Requests.SingleAsync(r => r.Id == id);
        Assert.Contains("<strong>", request.BodyHtml);
        Assert.DoesNotContain(consoleErrors, e => e.Contains("Content Security Policy", StringComparison.Ordinal));
        Assert.All(shots, path => Assert.True(File.Exists(path), path));
    }
}
