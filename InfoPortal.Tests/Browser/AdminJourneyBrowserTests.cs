using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace InfoPortal.Tests.Browser;

/// <summary>
/// The system administrator's journey in a real Debian Chromium against the app on Kestrel:
/// sign in, open the users page, create a user through the MudBlazor dialog (including its
/// required-field messages), see it listed, switch to English — and the new user's first sign-in
/// with the initial password leads to the change-password page. A screenshot is kept per step.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class AdminJourneyBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string Folder = "admin-journey";
    private const string NewUser = "clerk7";
    private const string NewDisplayName = "钱新员";
    private const string InitialPassword = "Welcome#2026x";

    [ChromiumFact]
    public async Task SysAdmin_CreatesOfficer_InChineseThenEnglish_AndNewUserMustChangePassword()
    {
        var shots = new List<string>();
        var page = await browser.NewPageAsync("zh-CN");

        // 1. The sign-in page, in Chinese.
        await page.GotoAsync("/account/login");
        Assert.Equal("登录", await page.Locator("h1").InnerTextAsync());
        shots.Add(await page.ShotAsync(Folder, "01-login"));
        await page.FillAsync("#userName", "sysadmin");
        await page.FillAsync("#password", PortalFactory.DemoPassword);
        await page.ClickAsync("[data-test=login-submit]");
        await page.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));

        // 2. The users page, once the circuit is up.
        await page.GotoAsync("/admin/users");
        await BrowserFixture.WaitForCircuitAsync(page);
        await page.GetByRole(AriaRole.Heading, new() { Name = "用户管理" }).WaitForAsync();
        var table = page.Locator("[data-test=users-table]");
        await table.Locator("tr", new() { HasText = "sysadmin" }).WaitForAsync();
        Assert.Equal(0, await table.Locator("tr", new() { HasText = NewUser }).CountAsync());
        shots.Add(await page.ShotAsync(Folder, "02-users"));

        // 3. The create dialog; saving it empty names what is missing.
        var dialog = page.Locator(".mud-dialog");
        await page.Locator("[data-test=create-user]").ClickUntilVisibleAsync(dialog);
        await dialog.GetByText("新建用户").First.WaitForAsync();
        await dialog.Locator("[data-test=save-user]").ClickAsync();
        await dialog.GetByText("此项为必填项。").First.WaitForAsync();
        Assert.True(await dialog.GetByText("此项为必填项。").CountAsync() >= 3);
        shots.Add(await page.ShotAsync(Folder, "03-dialog-required"));

        // 4. Filled in: user name, name, department, a role, initial password.
        await dialog.Locator("input[data-test=user-name]").FillAsync(NewUser);
        await dialog.Locator("input[data-test=display-name]").FillAsync(NewDisplayName);
        await dialog.Locator("input[data-test=department]").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "药品监管股" }).ClickAsync();
        await dialog.Locator("input[data-role=Officer]").CheckAsync();
        await dialog.Locator("input[data-test=initial-password]").FillAsync(InitialPassword);
        await dialog.Locator("input[data-test=initial-password]").PressAsync("Tab");
        Assert.True(await dialog.Locator("input[data-role=Officer]").IsCheckedAsync());
        await dialog.GetByText("此项为必填项。").First.WaitForAsync(new() { State = WaitForSelectorState.Detached });
        shots.Add(await page.ShotAsync(Folder, "04-dialog-filled"));
        await dialog.Locator("[data-test=save-user]").ClickAsync();

        // 5. The dialog closes, a message says so, and the new user is in the table.
        await dialog.WaitForAsync(new() { State = WaitForSelectorState.Detached });
        await page.GetByText("用户已创建，首次登录时须修改密码。").WaitForAsync();
        var row = table.Locator("tr", new() { HasText = NewUser });
        await row.WaitForAsync();
        var rowText = await row.InnerTextAsync();
        Assert.Contains(NewDisplayName, rowText);
        Assert.Contains("药品监管股", rowText);
        Assert.Contains("信息员", rowText);
        Assert.Contains("待改密", rowText);
        shots.Add(await page.ShotAsync(Folder, "05-user-listed"));

        // 6. The language switch: a full page load in English.
        await page.ClickAsync("a[data-culture=en-US]");
        await page.GetByRole(AriaRole.Heading, new() { Name = "Users" }).WaitForAsync();
        Assert.Equal("en-US", await page.GetAttributeAsync("html", "lang"));
        Assert.Equal("true", await page.GetAttributeAsync("a[data-culture=en-US]", "aria-current"));
        Assert.Equal("New user", (await page.Locator("[data-test=create-user]").TextContentAsync())?.Trim()); // InnerText is upper-cased by the button style
        var englishRow = await table.Locator("tr", new() { HasText = NewUser }).InnerTextAsync();
        Assert.Contains("Information officer", englishRow);
        Assert.Contains("Must change password", englishRow);
        shots.Add(await page.ShotAsync(Folder, "06-english"));

        // 7. The new user, in a browser of their own, signs in with the initial password and must replace it.
        var newcomer = await browser.NewPageAsync("zh-CN");
        await newcomer.GotoAsync("/account/login");
        await newcomer.FillAsync("#userName", NewUser);
        await newcomer.FillAsync("#password", InitialPassword);
        await newcomer.ClickAsync("[data-test=login-submit]");
        await newcomer.WaitForURLAsync(url => url.Contains("/account/password-expired", StringComparison.Ordinal));
        Assert.Equal("修改密码", await newcomer.Locator("h1").InnerTextAsync());
        shots.Add(await newcomer.ShotAsync(Folder, "07-newcomer-must-change-password"));

        await using (var db = browser.App.CreateDbContext())
        {
            var user = await db.Users.Include(u => u.Department).SingleAsync(u => u.UserName == NewUser);
            Assert.Equal(NewDisplayName, user.DisplayName);
            Assert.Equal("药品监管股", user.Department!.Name);
            Assert.True(user.MustChangePassword);
        }

        Assert.Equal(7, shots.Count);
        Assert.All(shots, path => Assert.True(File.Exists(path) && new FileInfo(path).Length > 1000, path));
    }
}
