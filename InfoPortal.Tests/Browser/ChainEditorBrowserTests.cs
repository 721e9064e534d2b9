using System.Net;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Tests.Browser;

/// <summary>
/// The chain editor in Chromium (issue 14 item 2, ADR 0047): the office director finds 审核流程 in
/// the menu, adds a step and proposes; a leader approves on the same page; a new request follows
/// the new chain while one submitted before keeps its own.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class ChainEditorBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [ChromiumFact]
    public async Task Director_Proposes_LeaderApproves_NewRequestFollowsTheNewChain_OldKeepsIts()
    {
        var app = browser.App;
        using var officer = await ApiClient.SignInAsync(app, "officer");
        var old = await officer.DraftAsync("流程变更前提交（浏览器）");
        await ApiClient.EnsureAsync(await officer.SubmitAsync(old), HttpStatusCode.OK);

        var director = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(director, "director");
        await director.GotoAsync("/office");
        await BrowserFixture.WaitForCircuitAsync(director);
        await director.ClickAsync("[data-test=nav-workflow]");
        await director.Locator("[data-test=chain-county] [data-test=edit-chain]").WaitForAsync();
        await BrowserFixture.WaitForCircuitAsync(director);
        await director.ClickAsync("[data-test=chain-county] [data-test=edit-chain]");
        await director.ClickAsync("[data-test=chain-county] [data-test=add-step]");
        await BrowserFixture.ScreenshotAsync(director, "chain-00-added-step");
        var added = director.Locator("[data-test=chain-county] [data-test=edit-step]").Last;
        await added.Locator("[data-test=step-role]").First.ClickAsync();
        await director.Locator(".mud-popover-open .mud-list-item", new() { HasText = "保密员" }).ClickAsync();
        await director.Locator("[data-test=chain-county] textarea[data-test=change-reason]").FillAsync("按保密制度要求，所有信息发布前增加保密员审查。");
        await BrowserFixture.ScreenshotAsync(director, "chain-01-director-edits");
        await director.ClickAsync("[data-test=chain-county] [data-test=propose]");
        await director.Locator("[data-test=workflow-result]", new() { HasText = "待领导审批后生效" }).WaitForAsync();
        await director.Locator("[data-test=proposed-steps]").WaitForAsync();
        await BrowserFixture.ScreenshotAsync(director, "chain-02-proposed");
        // The proposer sees the proposal but no approve button.
        Assert.Equal(0, await director.Locator("[data-test=approve-change]").CountAsync());

        var leader = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(leader, "leader");
        await leader.GotoAsync("/office/workflow");
        await BrowserFixture.WaitForCircuitAsync(leader);
        Assert.Contains("保密员", await leader.Locator("[data-test=proposed-steps]").InnerTextAsync());
        await leader.Locator("textarea[data-test=change-opinion]").FillAsync("同意。");
        await BrowserFixture.ScreenshotAsync(leader, "chain-03-leader-reviews");
        await leader.ClickAsync("[data-test=approve-change]");
        await leader.Locator("[data-test=workflow-result]", new() { HasText = "即时生效" }).WaitForAsync();
        Assert.Contains("保密员", await leader.Locator("[data-test=chain-county]").InnerTextAsync());
        Assert.Contains("已同意并生效", await leader.Locator("[data-test=change-history]").InnerTextAsync());
        await BrowserFixture.ScreenshotAsync(leader, "chain-04-approved");

        var fresh = await officer.DraftAsync("流程变更后提交（浏览器）");
        await ApiClient.EnsureAsync(await officer.SubmitAsync(fresh), HttpStatusCode.OK);
        var roles = (await officer.GetAsync(fresh)).GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("role").GetString()).ToList();
        Assert.Equal(["DeptHead", "OfficeDirector", "Leader", "SecrecyOfficer"], roles);
        var oldRoles = (await officer.GetAsync(old)).GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("role").GetString()).ToList();
        Assert.Equal(["DeptHead", "OfficeDirector", "Leader"], oldRoles);

        await using var db = app.CreateDbContext();
        var chainOfOld = await db.Requests.Where(r => r.Id == old).Select(r => r.ChainId).SingleAsync();
        var chainOfNew = await db.Requests.Where(r => r.Id == fresh).Select(r => r.ChainId).SingleAsync();
        Assert.NotEqual(chainOfOld, chainOfNew);
    }
}
