using InfoPortal.Tests.Features.Statistics;
using InfoPortal.Tests.TestSupport;
using Microsoft.Playwright;

namespace InfoPortal.Tests.Browser;

/// <summary>The assessor picks months on the statistics dashboard in Chromium and downloads each month's PDF.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class StatisticsBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [ChromiumFact]
    public async Task Assessor_SwitchesMonth_DownloadsThatMonthsPdf()
    {
        await StatisticsScenario.SeedAsync(browser.App);
        await MonthlyStatisticsTests.RunAsync(browser.App, 2026, 9);
        await MonthlyStatisticsTests.RunAsync(browser.App, 2026, 10);

        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(page, "assessor");
        await page.GotoAsync("/office/statistics");
        await BrowserFixture.WaitForCircuitAsync(page);
        await page.GetByRole(AriaRole.Heading, new() { Name = "月度统计" }).WaitForAsync();

        // September first: the link and the file follow the picker.
        var september = await PickAndDownloadAsync(page, "2026-09", "statistics-2026-09.pdf");
        Assert.Contains("2026年9月网站信息发布统计月报", september, StringComparison.Ordinal);
        Assert.Contains("综合股", september, StringComparison.Ordinal);

        var october = await PickAndDownloadAsync(page, "2026-10", "statistics-2026-10.pdf");
        Assert.Contains("2026年10月网站信息发布统计月报", october, StringComparison.Ordinal);
        Assert.Contains("药品监管股222011100%10", october, StringComparison.Ordinal);
        await BrowserFixture.ScreenshotAsync(page, "statistics-01-october");
    }

    private static async Task<string> PickAndDownloadAsync(IPage page, string month, string fileName)
    {
        await page.GetByRole(AriaRole.Combobox, new() { Name = "月份" }).ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasTextString = month }).ClickAsync();
        var (year, number) = (month[..4], int.Parse(month[5..], System.Globalization.CultureInfo.InvariantCulture));
        var link = page.Locator($"a[data-test=export-pdf][href*='year={year}&month={number}']");
        await link.WaitForAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        Assert.Equal(fileName, download.SuggestedFilename);
        var path = await download.PathAsync();
        return StatisticsPdfTests.PdfText(await File.ReadAllBytesAsync(path));
    }
}
