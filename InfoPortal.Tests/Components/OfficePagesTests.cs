using Bunit;
using InfoPortal.Components.Layout;
using InfoPortal.Components.Pages;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Columns;
using InfoPortal.Features.Columns.Pages;
using InfoPortal.Features.Notifications;
using InfoPortal.Features.Publishing.Pages;
using InfoPortal.Features.Requests;
using InfoPortal.Features.Requests.Pages;
using InfoPortal.Features.Review;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace InfoPortal.Tests.Components;

/// <summary>bUnit tests of the publisher's, administrator's and home pages against the app's real services.</summary>
public sealed class OfficePagesTests(OfficePagesTests.Fixture app) : IClassFixture<OfficePagesTests.Fixture>
{
    public sealed class Fixture : PortalFactory;

    [Fact]
    public async Task Publishing_PublishNow_ThenTakeDownWithReason_SaysWhatHappened()
    {
        var item = await ApprovedAsync("发布页-稿件");
        await using var ctx = await ComponentTestContext.CreateAsync(app, "publisher");
        var dialogs = ctx.Render<MudDialogProvider>();
        var cut = ctx.Render<PublishingPage>();
        cut.WaitForAssertion(() => Assert.Contains(item.Title, cut.Find("[data-test=waiting-table]").TextContent));

        var row = cut.FindAll("[data-test=waiting-table] tbody tr").Single(r => r.TextContent.Contains(item.Title, StringComparison.Ordinal));
        await cut.InvokeAsync(() => row.QuerySelector("[data-test=publish-now]")!.Click());
        cut.WaitForAssertion(() => Assert.Contains($"“{item.Title}”已发布到：外网·", cut.Find("[data-test=publishing-result]").TextContent));
        Assert.Contains(item.Title, cut.Find("[data-test=published-table]").TextContent);
        Assert.DoesNotContain(item.Title, cut.Find("[data-test=waiting-table]").TextContent);

        row = cut.FindAll("[data-test=published-table] tbody tr").Single(r => r.TextContent.Contains(item.Title, StringComparison.Ordinal));
        await cut.InvokeAsync(() => row.QuerySelector("[data-test=take-down]")!.Click());
        dialogs.WaitForAssertion(() => Assert.NotNull(dialogs.Find("textarea")));
        await dialogs.InvokeAsync(() => dialogs.Find("[data-test=prompt-confirm]").Click());
        Assert.Contains("此项为必填项。", dialogs.Markup); // the reason is required
        dialogs.Find("textarea").Change("信息已过时");
        await dialogs.InvokeAsync(() => dialogs.Find("[data-test=prompt-confirm]").Click());

        cut.WaitForAssertion(() => Assert.Contains("已停止发布，原因：信息已过时", cut.Find("[data-test=publishing-result]").TextContent));
        await using var db = app.CreateDbContext();
        Assert.Equal(RequestStatus.TakenDown, (await db.Requests.SingleAsync(r => r.Id == item.Id)).Status);
        Assert.Equal("信息已过时", (await db.Takedowns.SingleAsync(t => t.RequestId == item.Id)).Reason);
    }

    [Fact]
    public async Task Workflow_ShowsBothChains_AndTheAdminSwitchesTheActiveOne()
    {
        await using var ctx = await ComponentTestContext.CreateAsync(app, "sysadmin");
        var cut = ctx.Render<WorkflowPage>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-test=chain-county] [data-test=active]")));
        var county = cut.Find("[data-test=chain-county]").TextContent;
        Assert.Contains("部门负责人", county);
        Assert.Contains("本部门", county);
        Assert.Contains("仅限重大及以上", county);
        Assert.Empty(cut.FindAll("[data-test=chain-provincial] [data-test=active]"));

        await cut.InvokeAsync(() => cut.Find("[data-test=chain-provincial] [data-test=activate]").Click());
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-test=chain-provincial] [data-test=active]")));
        Assert.Contains("已启用", cut.Find("[data-test=workflow-result]").TextContent);
        Assert.Equal(ReviewChain.Provincial, (await Service<ReviewChainService>().GetActiveAsync()).Code);

        await cut.InvokeAsync(() => cut.Find("[data-test=chain-county] [data-test=activate]").Click());
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-test=chain-county] [data-test=active]")));
    }

    [Fact]
    public async Task Columns_ListsTheTreeOfEachSite()
    {
        await using var ctx = await ComponentTestContext.CreateAsync(app, "publisher");
        var cut = ctx.Render<ColumnsPage>();
        cut.WaitForAssertion(() => Assert.Contains("工作动态", cut.Find("[data-test=columns-table]").TextContent));
        Assert.Contains("新建外网栏目", cut.Find("[data-test=create-column]").TextContent);

        await cut.InvokeAsync(() => cut.FindComponent<MudTabs>().Instance.ActivePanelIndexChanged.InvokeAsync(1));
        cut.WaitForAssertion(() => Assert.Contains("内部通知", cut.Find("[data-test=columns-table]").TextContent));
        Assert.DoesNotContain("工作动态", cut.Find("[data-test=columns-table]").TextContent);
    }

    [Fact]
    public async Task Home_ShowsTheReviewersQueue_AndTheBellCountsUnread()
    {
        var item = await SubmittedAsync("首页-待审稿件");
        await using var ctx = await ComponentTestContext.CreateAsync(app, "depthead");
        var home = ctx.Render<Home>();
        home.WaitForAssertion(() => Assert.Contains(item.Title, home.Find("[aria-label=待我审核]").TextContent));
        Assert.Contains(item.Title, home.Find("[aria-label=未读通知]").TextContent);

        var bell = ctx.Render<NotificationBell>();
        var unread = await Service<NotificationService>().UnreadCountAsync(await ActorAsync("depthead"));
        Assert.True(unread > 0);
        bell.WaitForAssertion(() => Assert.Equal(unread.ToString(System.Globalization.CultureInfo.InvariantCulture), bell.Find(".mud-badge").TextContent.Trim()));
    }

    [Fact]
    public async Task Bell_IsOnlyAButtonWhileClosed_OpensWithTheLatest_MarksAllRead_AndClosesOnEscape()
    {
        var item = await SubmittedAsync("铃铛-待审稿件");
        await using var ctx = await ComponentTestContext.CreateAsync(app, "depthead");
        var bell = ctx.Render<NotificationBell>();
        bell.WaitForAssertion(() => Assert.NotEmpty(bell.FindAll(".mud-badge")));

        // Closed, the circuit holds the button and its count: no panel, no component below the bell (ADR 0062).
        Assert.Empty(bell.FindAll("[data-test=bell-menu]"));
        Assert.Empty(bell.FindComponents<MudComponentBase>());
        Assert.Equal("false", bell.Find(".bell-button").GetAttribute("aria-expanded"));

        await bell.InvokeAsync(() => bell.Find(".bell-button").Click());
        bell.WaitForAssertion(() => Assert.Contains(item.Title, bell.Find("[data-test=bell-menu]").TextContent));
        Assert.Equal("true", bell.Find(".bell-button").GetAttribute("aria-expanded"));
        Assert.NotEmpty(bell.FindAll("[data-test=bell-item]"));

        await bell.InvokeAsync(() => bell.Find("[data-test=bell-mark-all]").Click());
        bell.WaitForAssertion(() => Assert.Empty(bell.FindAll(".mud-badge")));
        Assert.Equal(0, await Service<NotificationService>().UnreadCountAsync(await ActorAsync("depthead")));
        Assert.True(bell.Find("[data-test=bell-mark-all]").HasAttribute("disabled"));

        await bell.InvokeAsync(() => bell.Find("[data-test=bell]").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Escape" }));
        bell.WaitForAssertion(() => Assert.Empty(bell.FindAll("[data-test=bell-menu]")));
        Assert.Equal("false", bell.Find(".bell-button").GetAttribute("aria-expanded"));

        // A click beside the panel closes it too.
        await bell.InvokeAsync(() => bell.Find(".bell-button").Click());
        bell.WaitForAssertion(() => Assert.NotEmpty(bell.FindAll("[data-test=bell-menu]")));
        await bell.InvokeAsync(() => bell.Find("[data-test=bell-scrim]").Click());
        bell.WaitForAssertion(() => Assert.Empty(bell.FindAll("[data-test=bell-menu]")));
    }

    private T Service<T>() where T : notnull => app.Services.CreateScope().ServiceProvider.GetRequiredService<T>();

    private async Task<Actor> ActorAsync(string userName)
    {
        await using var db = app.CreateDbContext();
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.UserName == userName);
        var roles = await db.UserRoles.Where(r => r.UserId == user.Id).Join(db.Roles, r => r.RoleId, r => r.Id, (_, r) => r.Name!).ToListAsync();
        return new Actor(user.Id, userName, user.DisplayName, user.DepartmentId, roles.ToHashSet(StringComparer.Ordinal), "127.0.0.1");
    }

    private async Task<PublicationRequest> SubmittedAsync(string title)
    {
        var officer = await ActorAsync("officer");
        var column = (await Service<ColumnService>().ListAsync(Site.External))[0].Id;
        var requests = Service<RequestService>();
        var draft = await requests.CreateAsync(officer, new RequestInput(title, [column], ContentKind.Text, "<p>正文</p>", "本单位", Importance.Normal, null, true));
        return (await requests.SubmitAsync(officer, draft.Id, draft.Version)).Request;
    }

    private async Task<PublicationRequest> ApprovedAsync(string title)
    {
        var request = await SubmittedAsync(title);
        var review = Service<ReviewService>();
        request = await review.DecideAsync(await ActorAsync("depthead"), request.Id, new DecisionInput(DecisionOutcome.Approve, null, request.Version, false));
        request = await review.DecideAsync(await ActorAsync("director"), request.Id, new DecisionInput(DecisionOutcome.Approve, null, request.Version, false));
        // The internet ends with a leader (ADR 0045).
        return await review.DecideAsync(await ActorAsync("leader"), request.Id, new DecisionInput(DecisionOutcome.Approve, null, request.Version, false));
    }
}
