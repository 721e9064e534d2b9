using System.Net;
using InfoPortal.Tests.Features.Screening;
using InfoPortal.Tests.TestSupport;

namespace InfoPortal.Tests.Browser;

/// <summary>
/// The 保密员 in Chromium (ADR 0059): a draft refused for a scanned attachment reaches them through the
/// menu entry 待人工审查附件; they record the conclusion there, and the officer can submit.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class FileReviewBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [ChromiumFact]
    public async Task SecrecyOfficer_FindsTheBlockedFileFromTheMenu_AndClearsIt()
    {
        using var officer = await ApiClient.SignInAsync(browser.App, "officer");
        var id = await officer.DraftAsync("附盖章扫描件的通知（浏览器）");
        await ApiClient.EnsureAsync(await ScreeningFixtures.UploadAsync(officer, id, "盖章通知.pdf", ScreeningFixtures.ScannedPdf(2)), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), (HttpStatusCode)422);

        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(page, "secrecy");
        await page.GotoAsync("/office");
        await BrowserFixture.WaitForCircuitAsync(page);
        await page.ClickAsync("[data-test=nav-files]");
        var row = page.Locator("[data-test=file-row]", new() { HasText = "盖章通知.pdf" });
        await row.WaitForAsync();
        Assert.Contains("附盖章扫描件的通知（浏览器）", await row.InnerTextAsync());
        Assert.Contains("扫描件", await row.InnerTextAsync());
        await BrowserFixture.ScreenshotAsync(page, "file-review-01-worklist");

        // No conclusion: refused in words, the row stays.
        await row.Locator("[data-test=record]").ClickAsync();
        await page.Locator("[data-test=outcome]", new() { HasText = "人工审查结论" }).WaitForAsync();
        Assert.Equal(1, await page.Locator("[data-test=file-row]").CountAsync());

        await row.Locator("textarea[data-test=conclusion]").FillAsync("已逐页人工审阅扫描件，未发现涉密内容和个人信息。");
        await row.Locator("[data-test=record]").ClickAsync();
        await page.Locator("[data-test=outcome]", new() { HasText = "已记录" }).WaitForAsync();
        await page.Locator("[data-test=files-empty]").WaitForAsync();
        await BrowserFixture.ScreenshotAsync(page, "file-review-02-recorded");

        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);
    }
}
