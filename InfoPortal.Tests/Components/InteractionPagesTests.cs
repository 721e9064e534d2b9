using System.Net;
using Bunit;
using InfoPortal.Features.Interaction;
using InfoPortal.Features.Interaction.Pages;
using InfoPortal.Tests.Features.Interaction;
using InfoPortal.Tests.TestSupport;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Tests.Components;

/// <summary>bUnit tests of /office/interaction and the message page against the real services (fresh SQLite).</summary>
public sealed class InteractionPagesTests(InteractionPagesTests.Fixture app) : IClassFixture<InteractionPagesTests.Fixture>
{
    public sealed class Fixture : PortalFactory;

    private async Task<int> LeaveAsync(string subject)
    {
        using var client = app.CreatePortalClient($"203.0.113.{Random.Shared.Next(1, 250)}");
        var (ticket, _) = await InteractionApi.LeaveOkAsync(client, InteractionApi.Message(subject: subject, contact: null));
        using var publisher = await ApiClient.SignInAsync(app, "publisher");
        return await InteractionApi.IdOfAsync(publisher, ticket);
    }

    [Fact]
    public async Task Queue_Publisher_SeesIncomingWithOverdueFlag()
    {
        var late = await LeaveAsync("组件测试-逾期留言");
        var fresh = await LeaveAsync("组件测试-新留言");
        await using (var db = app.CreateDbContext())
        {
            var yesterday = AgencyDate.Today.AddDays(-1);
            await db.InteractionMessages.Where(m => m.Id == late).ExecuteUpdateAsync(s => s.SetProperty(m => m.DueOn, yesterday));
        }

        await using var ctx = await ComponentTestContext.CreateAsync(app, "publisher");
        var cut = ctx.Render<InteractionQueuePage>();
        cut.WaitForAssertion(() => Assert.Contains("组件测试-逾期留言", cut.Find("[data-test=interaction-table]").TextContent));
        var rows = cut.FindAll("tbody tr");
        var lateRow = rows.Single(r => r.TextContent.Contains("组件测试-逾期留言", StringComparison.Ordinal));
        var freshRow = rows.Single(r => r.TextContent.Contains("组件测试-新留言", StringComparison.Ordinal));
        Assert.NotNull(lateRow.QuerySelector("[data-test=overdue]"));
        Assert.Null(freshRow.QuerySelector("[data-test=overdue]"));
        Assert.Contains($"/office/interaction/{fresh}", freshRow.InnerHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MessagePage_PublisherAssignsADepartment_ThenTheDepartmentSeesIt()
    {
        var id = await LeaveAsync("组件测试-交办");
        int general;
        using (var publisher = await ApiClient.SignInAsync(app, "publisher"))
        {
            general = await InteractionApi.DepartmentIdAsync(publisher, "综合股");
        }

        await using (var ctx = await ComponentTestContext.CreateAsync(app, "publisher"))
        {
            var cut = ctx.Render<InteractionMessagePage>(p => p.Add(x => x.Id, id));
            cut.WaitForAssertion(() => cut.Find("button[data-test=assign]"));
            Assert.Empty(cut.FindAll("textarea[data-test=reply-input]"));
            var select = cut.FindComponent<MudBlazor.MudSelect<int?>>();
            await cut.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(general));
            cut.Find("button[data-test=assign]").Click();
            cut.WaitForAssertion(() => Assert.Contains("承办中", cut.Markup, StringComparison.Ordinal));
            // Now a reassignment, which asks for a reason.
            Assert.NotNull(cut.Find("input[data-test=assign-reason]"));
        }

        using var officer = await ApiClient.SignInAsync(app, "officer");
        var queue = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.JsonElement>(officer.Http, "/api/v1/interaction/messages?queue=Department");
        Assert.Contains(queue.EnumerateArray(), m => m.GetProperty("id").GetInt32() == id);
    }

    [Fact]
    public async Task MessagePage_OfficerDrafts_HeadSeesApproval_OtherDepartmentSeesNothing()
    {
        var id = await LeaveAsync("组件测试-起草答复");
        using (var publisher = await ApiClient.SignInAsync(app, "publisher"))
        {
            await ApiClient.EnsureAsync(await InteractionApi.AssignAsync(publisher, id, await InteractionApi.DepartmentIdAsync(publisher, "综合股")), HttpStatusCode.OK);
        }

        await using (var ctx = await ComponentTestContext.CreateAsync(app, "officer2"))
        {
            var other = ctx.Render<InteractionMessagePage>(p => p.Add(x => x.Id, id));
            other.WaitForAssertion(() => Assert.Contains("未找到该留言", other.Markup, StringComparison.Ordinal));
            Assert.DoesNotContain("组件测试-起草答复", other.Markup, StringComparison.Ordinal);
        }

        await using (var ctx = await ComponentTestContext.CreateAsync(app, "officer"))
        {
            var cut = ctx.Render<InteractionMessagePage>(p => p.Add(x => x.Id, id));
            cut.WaitForAssertion(() => cut.Find("textarea[data-test=reply-input]"));
            Assert.Empty(cut.FindAll("[data-test=approve]"));
            Assert.Empty(cut.FindAll("[data-test=assign]"));
            cut.Find("textarea[data-test=reply-input]").Input("您反映的问题已转执法大队核查处理。"); // Immediate: the reply binds as it is typed
            cut.Find("button[data-test=draft]").Click();
            cut.WaitForAssertion(() => Assert.Contains("答复审核中", cut.Markup, StringComparison.Ordinal));
            Assert.Contains("您反映的问题已转执法大队核查处理。", cut.Find("[data-test=reply-text]").TextContent, StringComparison.Ordinal);
        }

        await using (var ctx = await ComponentTestContext.CreateAsync(app, "depthead"))
        {
            var cut = ctx.Render<InteractionMessagePage>(p => p.Add(x => x.Id, id));
            cut.WaitForAssertion(() => cut.Find("button[data-test=approve]"));
            cut.Find("button[data-test=approve]").Click();
            cut.WaitForAssertion(() => Assert.Contains("已答复", cut.Find(".mud-chip").TextContent, StringComparison.Ordinal));
            Assert.Equal(["收到留言", "已交办", "已起草答复", "答复已审核发布"], cut.FindAll("[data-test=history] tbody tr").Select(r => r.Children[2].TextContent.Trim()));
        }

        await using var db = app.CreateDbContext();
        Assert.Equal(MessageStatus.Answered, (await db.InteractionMessages.SingleAsync(m => m.Id == id)).Status);
    }
}
