using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Requests;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace InfoPortal.Tests.Browser;

/// <summary>
/// The office director records the higher authority's approval in Chromium (issue 10 item 10):
/// the approve dialog at the provincial step asks for the evidence, names every missing field at
/// once, and records authority, number, date and the scan.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class ProvincialApprovalBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [ChromiumFact]
    public async Task Director_RecordsTheProvincialApproval_WithItsEvidence()
    {
        var app = browser.App;
        using (var scope = app.Services.CreateScope())
        {
            await using var db = app.CreateDbContext();
            var sysadmin = await db.Users.SingleAsync(u => u.UserName == "sysadmin");
            await scope.ServiceProvider.GetRequiredService<ReviewChainService>().SetActiveAsync(
                new Actor(sysadmin.Id, "sysadmin", sysadmin.DisplayName, sysadmin.DepartmentId, new HashSet<string> { Roles.SystemAdmin }, "127.0.0.1"), ReviewChain.Provincial);
        }

        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var leader = await ApiClient.SignInAsync(app, "leader");
        var id = await officer.DraftAsync("报省局审批的重要信息（浏览器）", "Important");
        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), System.Net.HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await leader.ApproveAsync(id, "同意，报省局审批。"), System.Net.HttpStatusCode.OK);

        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(page, "director");
        await page.GotoAsync($"/office/requests/{id}");
        await BrowserFixture.WaitForCircuitAsync(page);
        // The menu counts the one item waiting for the director.
        await Assertions.Expect(page.Locator("[data-test=nav-review]")).ToContainTextAsync("1");
        await page.ClickAsync("[data-test=approve]");
        await page.Locator("input[data-test=provincial-authority]").WaitForAsync();

        // Confirm with nothing filled in: every field says what it needs, the dialog stays open.
        await page.ClickAsync("[data-test=confirm-decision]");
        await page.Locator(".mud-dialog", new() { HasText = "请填写批准机关" }).WaitForAsync();
        var dialog = await page.Locator(".mud-dialog").InnerTextAsync();
        Assert.DoesNotContain("退回时", dialog);
        foreach (var message in new[] { "请填写批准文号", "请填写批准日期", "请上传上级审批文件的扫描件", "上级审批须写明批复意见" })
        {
            Assert.Contains(message, dialog);
        }

        await BrowserFixture.ScreenshotAsync(page, "provincial-01-missing-evidence");

        await page.Locator("input[data-test=provincial-authority]").FillAsync("甘肃省农村合作医疗管理办公室");
        await page.Locator("input[data-test=provincial-number]").FillAsync("甘农合办〔2026〕12号");
        await page.Locator(".mud-dialog input[placeholder=yyyy-MM-dd]").FillAsync("2026-11-30");
        await page.Locator(".mud-dialog input[placeholder=yyyy-MM-dd]").PressAsync("Tab");
        await page.Locator("input[type=file][data-test=provincial-scan]").SetInputFilesAsync(new FilePayload { Name = "批复.png", MimeType = "image/png", Buffer = TestFiles.Png(200, 280) });
        await page.Locator("textarea[data-test=opinion]").FillAsync("省局已批复同意。");
        await BrowserFixture.ScreenshotAsync(page, "provincial-02-filled");
        await page.ClickAsync("[data-test=confirm-decision]");
        await page.Locator("[data-test=outcome]", new() { HasText = "全部审核环节完成" }).WaitForAsync();
        // Badges update after the user acts (issue 11 item 1): no item waits any more, without navigating.
        await Assertions.Expect(page.Locator("[data-test=nav-review]")).Not.ToContainTextAsync("1");
        await BrowserFixture.ScreenshotAsync(page, "provincial-03-approved");
        // The record names the step 上级审批 and shows the evidence.
        Assert.Contains("上级审批（办公室主任登记）", await page.Locator("[data-test=timeline]").InnerTextAsync());
        Assert.Contains("甘农合办〔2026〕12号", await page.Locator("[data-test=provincial-evidence]").InnerTextAsync());

        await using var check = app.CreateDbContext();
        var decision = await check.Decisions.SingleAsync(d => d.RequestId == id && d.StepKey == ReviewChain.ProvincialApprovalStep);
        Assert.Equal(("甘肃省农村合作医疗管理办公室", "甘农合办〔2026〕12号", new DateOnly(2026, 11, 30), "批复.png"),
            (decision.ApprovingAuthority, decision.ApprovalNumber, decision.ApprovalDate, decision.ApprovalScanName));
        Assert.Equal("省局已批复同意。", decision.Opinion);
    }
}
