using InfoPortal.Tests.Features.Requests;
using InfoPortal.Tests.Features.Statistics;
using InfoPortal.Tests.TestSupport;

namespace InfoPortal.Tests.Browser;

/// <summary>
/// The web administrator prints 200 approval records in Chromium (issue 14 item 8): menu entry,
/// filter, one PDF whose text (PdfPig) holds every item's title and every signer.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class ApprovalRecordsBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [ChromiumFact]
    public async Task Publisher_PrintsTwoHundredRecords_AsOnePdf_WithEveryTitleAndSigner()
    {
        var items = await ApprovalRecordBookTests.SeedPublishedAsync(browser.App, 200, "汇编浏览器测试");

        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(page, "publisher");
        await page.GotoAsync("/office");
        await BrowserFixture.WaitForCircuitAsync(page);
        await page.ClickAsync("[data-test=nav-records-print]");
        await page.Locator("[data-test=records-status]").First.WaitForAsync();
        await BrowserFixture.WaitForCircuitAsync(page);
        await page.Locator("[data-test=records-status]").First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "已发布" }).ClickAsync();
        var link = page.Locator("a[data-test=records-print][href*='status=Published']");
        await link.WaitForAsync();
        await BrowserFixture.ScreenshotAsync(page, "records-01-filter");

        var download = await page.RunAndWaitForDownloadAsync(() => link.ClickAsync(), new() { Timeout = 120_000 });
        Assert.Equal("approval-records.pdf", download.SuggestedFilename);
        var text = StatisticsPdfTests.PdfText(await File.ReadAllBytesAsync((await download.PathAsync())!));
        Assert.Contains("目录", text);
        Assert.All(items, item => Assert.Contains(item.Title, text));
        foreach (var signer in new[] { "李综合", "孙主任", "周副局长" })
        {
            Assert.Contains(signer, text);
        }
    }
}
