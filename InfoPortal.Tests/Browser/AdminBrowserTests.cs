using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace InfoPortal.Tests.Browser;

/// <summary>The system administrator's first steps, in a real Chromium.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class AdminBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [ChromiumFact]
    public async Task SysAdmin_FindsThePermissionTableInTheMenu_ReadsWhoMayDoWhat()
    {
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(page, "sysadmin");
        await page.GotoAsync("/office");
        await BrowserFixture.WaitForCircuitAsync(page);
        await page.ClickAsync("nav a[data-test=nav-permissions]");
        await page.GetByRole(AriaRole.Heading, new() { Name = "角色与权限" }).WaitForAsync();
        var table = page.Locator("table[data-test=permission-table]");
        var publish = table.Locator("tbody tr", new() { HasText = "publishing:publish" });
        // One column per role in the order of Roles.All: only 网站信息管理员 (the sixth) publishes.
        var cells = await publish.Locator("td").AllInnerTextsAsync();
        Assert.Equal(10, cells.Count);
        Assert.Equal([5], cells.Select((text, i) => (text, i)).Where(c => c.text.Contains('✓')).Select(c => c.i));
        Assert.Contains("系统管理员", await table.Locator("thead").InnerTextAsync());
        await BrowserFixture.ScreenshotAsync(page, "admin-00-permissions");
    }

    [ChromiumFact]
    public async Task SysAdmin_CreatesUser_SeesItListed_SwitchesToEnglish()
    {
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(page, "sysadmin");
        var shots = new List<string> { await BrowserFixture.ScreenshotAsync(page, "admin-01-home") };

        await page.GotoAsync("/admin/users");
        await BrowserFixture.WaitForCircuitAsync(page);
        await page.GetByRole(AriaRole.Heading, new() { Name = "用户管理" }).WaitForAsync();
        await page.ClickAsync("[data-test=create-user]");
        var dialog = page.Locator(".mud-dialog");
        await dialog.WaitForAsync();
        await dialog.Locator("input[data-test=user-name]").FillAsync("clerk3");
        await dialog.Locator("input[data-test=display-name]").FillAsync("孔新人");
        await dialog.Locator("input[data-test=department]").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "医疗器械股" }).ClickAsync();
        await dialog.Locator("input[data-role=Officer]").CheckAsync();
        await dialog.Locator("input[data-test=initial-password]").FillAsync("Welcome#2026x");
        shots.Add(await BrowserFixture.ScreenshotAsync(page, "admin-02-create-dialog"));
        await dialog.Locator("[data-test=save-user]").ClickAsync();

        var row = page.Locator("[data-test=users-table] tr", new() { HasText = "clerk3" });
        await row.WaitForAsync();
        Assert.Contains("孔新人", await row.InnerTextAsync());
        Assert.Contains("医疗器械股", await row.InnerTextAsync());
        Assert.Contains("信息员", await row.InnerTextAsync());
        shots.Add(await BrowserFixture.ScreenshotAsync(page, "admin-03-user-listed"));

        await page.ClickAsync("a[data-culture=en-US]");
        await page.GetByRole(AriaRole.Heading, new() { Name = "Users" }).WaitForAsync();
        Assert.Equal("en-US", await page.GetAttributeAsync("html", "lang"));
        Assert.Contains("Information officer", await page.Locator("[data-test=users-table]").InnerTextAsync());
        shots.Add(await BrowserFixture.ScreenshotAsync(page, "admin-04-english"));

        await using var db = browser.App.CreateDbContext();
        var user = await db.Users.SingleAsync(u => u.UserName == "clerk3");
        Assert.True(user.MustChangePassword);
        Assert.All(shots, path => Assert.True(new FileInfo(path).Length > 1000, path));
    }
}
