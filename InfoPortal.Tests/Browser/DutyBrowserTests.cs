using System.Globalization;
using InfoPortal.Tests.Features.Monitoring;
using InfoPortal.Tests.TestSupport;

namespace InfoPortal.Tests.Browser;

/// <summary>
/// 每日监管记录 in Chromium (issue 14 item 6): the web administrator finds it in the menu, fills and
/// signs the last working day; the office director sees that day signed and the missing ones.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class DutyBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [ChromiumFact]
    public async Task Publisher_SignsTheDay_DirectorSeesItAndTheMissingDays()
    {
        var (working, _, _) = DutyRecordTests.Days(browser.App);
        var day = working.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var publisher = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(publisher, "publisher");
        await publisher.GotoAsync("/office");
        await BrowserFixture.WaitForCircuitAsync(publisher);
        await publisher.ClickAsync("[data-test=nav-duty]");
        await publisher.Locator("[data-test=duty-facts]").WaitForAsync();
        await BrowserFixture.WaitForCircuitAsync(publisher);
        var date = publisher.Locator("input[placeholder=yyyy-MM-dd]");
        await date.FillAsync(day);
        await date.PressAsync("Tab");
        await publisher.Locator("textarea[data-test=duty-problems]").FillAsync("通知公告栏目一条信息附件无法打开，已通知发布部门。");
        await BrowserFixture.ScreenshotAsync(publisher, "duty-01-filled");
        await publisher.ClickAsync("[data-test=duty-sign]");
        await publisher.Locator("[data-test=duty-result]", new() { HasText = day }).WaitForAsync();
        Assert.Contains("郑网管", await publisher.Locator("[data-test=duty-result]").InnerTextAsync());
        await BrowserFixture.ScreenshotAsync(publisher, "duty-02-signed");

        var director = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(director, "director");
        await director.GotoAsync("/office/monitoring/duty");
        await BrowserFixture.WaitForCircuitAsync(director);
        var signed = director.Locator("[data-test=duty-day]", new() { HasText = day });
        await signed.WaitForAsync();
        Assert.Contains("附件无法打开", await signed.InnerTextAsync());
        Assert.True(await director.Locator("[data-test=duty-day-missing]").CountAsync() > 0);
        Assert.Equal(0, await director.Locator("[data-test=duty-sign]").CountAsync());
        await BrowserFixture.ScreenshotAsync(director, "duty-03-director");
    }
}
