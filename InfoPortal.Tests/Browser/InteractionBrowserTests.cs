using System.Net;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using InfoPortal.Tests.Features.Interaction;
using InfoPortal.Tests.TestSupport;
using Microsoft.Playwright;

namespace InfoPortal.Tests.Browser;

/// <summary>A member of the public leaves a complaint in Chromium and reads the department's reply by ticket.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class InteractionBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static async Task<string> ShotAsync(IPage page, string name) => await BrowserFixture.ScreenshotAsync(page, "interaction-" + name);

    [ChromiumFact]
    public async Task Public_LeavesMessage_DepartmentAnswers_SenderReadsReply_NoPersonalDataOnPublicPages()
    {
        const string Subject = "城东药店夜间不开门";
        const string Reply = "已约谈该药店负责人，今后将按承诺时间营业。";
        var visitor = await browser.NewPageAsync();
        await visitor.GotoAsync("/interaction/new");
        await visitor.Locator("input[name='Input.Kind'][value=Complaint]").CheckAsync();
        await visitor.FillAsync("#subject", Subject);
        await visitor.FillAsync("#text", $"我叫李四，身份证号{InteractionApi.PersonalId}，手机{InteractionApi.PersonalPhone}。城东药店承诺24小时营业，但夜间经常不开门。");
        await visitor.FillAsync("#name", "李四");
        await visitor.FillAsync("#contact", "13655556666");
        await visitor.CheckAsync("#consent");
        await ShotAsync(visitor, "01-form");
        // A person takes more than a few seconds; the form token refuses faster submissions.
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        await visitor.ClickAsync("[data-test=message-submit]");
        var ticket = (await visitor.Locator("[data-test=ticket]").InnerTextAsync()).Trim();
        var code = (await visitor.Locator("[data-test=code]").InnerTextAsync()).Trim();
        Assert.Matches(@"^\d{4}-\d{6}$", ticket);
        await ShotAsync(visitor, "02-sent");

        // The Publisher assigns and the officer drafts (API); the head approves on the office page.
        using var publisher = await ApiClient.SignInAsync(browser.App, "publisher");
        using var officer = await ApiClient.SignInAsync(browser.App, "officer");
        var id = await InteractionApi.IdOfAsync(publisher, ticket);
        await ApiClient.EnsureAsync(await InteractionApi.AssignAsync(publisher, id, await InteractionApi.DepartmentIdAsync(publisher, "综合股")), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await InteractionApi.ReplyAsync(officer, id, Reply), HttpStatusCode.OK);

        var head = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(head, "depthead");
        await head.GotoAsync($"/office/interaction/{id}");
        await BrowserFixture.WaitForCircuitAsync(head);
        Assert.Contains(Reply, await head.Locator("[data-test=reply-text]").InnerTextAsync(), StringComparison.Ordinal);
        await head.ClickAsync("[data-test=approve]");
        await head.Locator(".mud-chip", new() { HasText = "已答复" }).WaitForAsync();
        await ShotAsync(head, "03-approved");

        // The sender follows the link on the confirmation page, enters the code and reads the reply.
        await visitor.ClickAsync("a[href^='/interaction/lookup?ticket=']");
        Assert.Equal(ticket, await visitor.InputValueAsync("#ticket"));
        await visitor.FillAsync("#code", code);
        await visitor.ClickAsync("[data-test=lookup-submit]");
        Assert.Equal(Reply, (await visitor.Locator("[data-test=lookup-reply]").InnerTextAsync()).Trim());
        Assert.Equal("已答复", (await visitor.Locator("[data-test=lookup-status]").InnerTextAsync()).Trim());
        await ShotAsync(visitor, "04-lookup");

        // A wrong code reads as "not found".
        await visitor.FillAsync("#code", "WRONGCODE2");
        await visitor.ClickAsync("[data-test=lookup-submit]");
        await visitor.Locator("[data-test=lookup-error]").WaitForAsync();
        Assert.Equal(0, await visitor.Locator("[data-test=lookup-reply]").CountAsync());

        // Public pages: the answered message is listed, personal data and the sender's details never appear.
        var options = new AxeRunOptions { RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } };
        var failures = new List<string>();
        foreach (var path in new[] { "/interaction", $"/interaction/messages/{ticket}", "/interaction/new", "/interaction/lookup" })
        {
            var page = await browser.NewPageAsync();
            var response = await page.GotoAsync(path);
            Assert.Equal(200, response!.Status);
            var html = await page.ContentAsync();
            foreach (var secret in new[] { InteractionApi.PersonalId, InteractionApi.PersonalPhone, "13655556666", "李四", code })
            {
                Assert.DoesNotContain(secret, html, StringComparison.Ordinal);
            }

            if (path.StartsWith("/interaction/messages", StringComparison.Ordinal) || path == "/interaction")
            {
                Assert.Contains(Subject, html, StringComparison.Ordinal);
                Assert.Contains(Reply, html, StringComparison.Ordinal);
            }

            var axe = await page.RunAxe(options);
            failures.AddRange(axe.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{path}: {v.Id} ({v.Impact}) — {v.Help}"));
            await ShotAsync(page, "05-public" + path.Replace('/', '-'));
        }

        Assert.Empty(failures);
    }
}
