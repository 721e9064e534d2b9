using System.Globalization;
using System.Security.Claims;
using Bunit;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Columns;
using InfoPortal.Features.Requests;
using InfoPortal.Features.Review;
using InfoPortal.Features.Review.Pages;
using InfoPortal.Tests.TestSupport;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace InfoPortal.Tests.Components;

/// <summary>
/// bUnit tests of the review queue page (/office/review) against the app's real services and a
/// fresh SQLite database: requests are drafted and submitted by the demo officers through
/// <see cref="RequestService"/>, then the page is rendered as a reviewer.
/// </summary>
public sealed class ReviewQueueTests(ReviewQueueTests.Fixture app) : IClassFixture<ReviewQueueTests.Fixture>
{
    public sealed class Fixture : PortalFactory;

    [Fact]
    public async Task DeptHead_SeesOwnDepartmentsItems_FiltersNarrowTheList()
    {
        UseChinese();
        var normal = await SubmitAsync("officer", "筛选-一般稿件", Importance.Normal);
        var major = await SubmitAsync("officer", "筛选-重大稿件", Importance.Major);
        var other = await SubmitAsync("officer2", "筛选-药监股稿件", Importance.Major);

        await using var ctx = await ComponentTestContext.CreateAsync(app, "depthead");
        var cut = ctx.Render<ReviewQueue>();
        cut.WaitForAssertion(() => Assert.Contains(normal.Title, Titles(cut)));
        Assert.Contains(major.Title, Titles(cut));
        Assert.DoesNotContain(other.Title, Titles(cut));
        Assert.Contains("第 1 步：部门负责人", cut.Find($"[data-test=select-{normal.Id}]").Closest("tr")!.TextContent);

        // Importance: only the major item stays.
        // The filters are the browser's own lists (ADR 0062), each labelled, each with "不限" first.
        Assert.Equal(["不限", "一般", "重要", "重大"], cut.FindAll("[data-test=filter-importance] option").Select(o => o.TextContent.Trim()));
        Assert.Contains("重要程度", cut.Find("[data-test=filter-importance]").Closest("label")!.TextContent);
        await cut.InvokeAsync(() => cut.Find("[data-test=filter-importance]").Change("Major"));
        cut.WaitForAssertion(() => Assert.DoesNotContain(normal.Title, Titles(cut)));
        Assert.Contains(major.Title, Titles(cut));
        Assert.All(cut.FindAll("tbody tr"), row => Assert.Contains("重大", row.TextContent));

        // Department: the other department has nothing for this reviewer; their own has the item again.
        var departments = await DepartmentIdsAsync();
        Assert.Contains("部门", cut.Find("[data-test=filter-department]").Closest("label")!.TextContent);
        await cut.InvokeAsync(() => cut.Find("[data-test=filter-department]").Change(departments["药品监管股"].ToString(System.Globalization.CultureInfo.InvariantCulture)));
        cut.WaitForAssertion(() => Assert.Empty(Titles(cut)));
        Assert.Contains("没有等待您审核的申请。", cut.Markup);

        await cut.InvokeAsync(() => cut.Find("[data-test=filter-department]").Change(departments["综合股"].ToString(System.Globalization.CultureInfo.InvariantCulture)));
        cut.WaitForAssertion(() => Assert.Contains(major.Title, Titles(cut)));
        Assert.True(cut.Find($"[data-test=filter-department] option[value='{departments["综合股"]}']").HasAttribute("selected"));
        await cut.InvokeAsync(() => cut.Find("[data-test=filter-importance]").Change(""));
        cut.WaitForAssertion(() => Assert.Contains(normal.Title, Titles(cut)));

        // A value no option has (a forged event) filters nothing rather than everything away.
        await cut.InvokeAsync(() => cut.Find("[data-test=filter-importance]").Change("Major"));
        cut.WaitForAssertion(() => Assert.DoesNotContain(normal.Title, Titles(cut)));
        await cut.InvokeAsync(() => cut.Find("[data-test=filter-importance]").Change("7"));
        cut.WaitForAssertion(() => Assert.Contains(normal.Title, Titles(cut)));
        Assert.Contains(major.Title, Titles(cut));
    }

    [Fact]
    public async Task BulkApprove_OfTwoSelected_ApprovesBoth_AndMovesThemToTheDirector()
    {
        UseChinese();
        var first = await SubmitAsync("officer", "批量-第一项", Importance.Normal);
        var second = await SubmitAsync("officer", "批量-第二项", Importance.Important);
        var untouched = await SubmitAsync("officer", "批量-未选中", Importance.Normal);

        await using var ctx = await ComponentTestContext.CreateAsync(app, "depthead");
        var dialogs = ctx.Render<MudDialogProvider>();
        var cut = ctx.Render<ReviewQueue>();
        cut.WaitForAssertion(() => Assert.Contains(second.Title, Titles(cut)));
        Assert.True(cut.Find("[data-test=bulk-approve]").HasAttribute("disabled"));

        Check(cut, first);
        Check(cut, second);
        var button = cut.Find("[data-test=bulk-approve]");
        Assert.False(button.HasAttribute("disabled"));
        Assert.Contains("批量通过（2）", button.TextContent);

        await cut.InvokeAsync(() => cut.Find("[data-test=bulk-approve]").Click());
        dialogs.WaitForAssertion(() => Assert.NotNull(dialogs.Find("textarea")));
        Assert.Contains("所选的 2 项申请", dialogs.Markup);
        dialogs.Find("textarea").Change("同意发布");
        await dialogs.InvokeAsync(() => dialogs.Find("[data-test=prompt-confirm]").Click());

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-test=bulk-results]")));
        var summary = cut.Find("[data-test=bulk-results]").TextContent;
        Assert.Contains("已通过 2 项，未通过 0 项", summary);
        Assert.Contains("现转至第 2 步：办公室主任", cut.Find($"[data-test=bulk-result-{first.Id}]").TextContent);
        Assert.Contains(second.Title, cut.Find($"[data-test=bulk-result-{second.Id}]").TextContent);

        // Both left this reviewer's queue; the unselected one is still there.
        Assert.DoesNotContain(first.Title, Titles(cut));
        Assert.DoesNotContain(second.Title, Titles(cut));
        Assert.Contains(untouched.Title, Titles(cut));

        await using var db = app.CreateDbContext();
        foreach (var id in new[] { first.Id, second.Id })
        {
            var request = await db.Requests.Include(r => r.Decisions).SingleAsync(r => r.Id == id);
            Assert.Equal(RequestStatus.InReview, request.Status);
            Assert.Equal(Roles.OfficeDirector, request.CurrentRole);
            Assert.Equal(1, request.CurrentStepIndex);
            var decision = Assert.Single(request.Decisions);
            Assert.Equal((Roles.DeptHead, DecisionOutcome.Approve, "同意发布"), (decision.Role, decision.Outcome, decision.Opinion));
        }

        Assert.Empty(await db.Decisions.Where(d => d.RequestId == untouched.Id).ToListAsync());
        var directorQueue = await Service<ReviewService>().QueueAsync(await ActorAsync("director"), new QueueFilter(Limit: 200));
        Assert.Contains(directorQueue, q => q.Id == first.Id);
        Assert.Contains(directorQueue, q => q.Id == second.Id);
    }

    [Fact]
    public async Task BulkApprove_SaysWhichItemSomeoneElseDecidedFirst()
    {
        UseChinese();
        var raced = await SubmitAsync("officer", "并发-他人先审", Importance.Normal);
        var fine = await SubmitAsync("officer", "并发-正常通过", Importance.Normal);

        await using var ctx = await ComponentTestContext.CreateAsync(app, "depthead");
        var dialogs = ctx.Render<MudDialogProvider>();
        var cut = ctx.Render<ReviewQueue>();
        cut.WaitForAssertion(() => Assert.Contains(raced.Title, Titles(cut)));
        Check(cut, raced);
        Check(cut, fine);

        // After the page loaded, a decision on the first item is taken elsewhere (here: returned through the service).
        await Service<ReviewService>().DecideAsync(await ActorAsync("depthead"), raced.Id, new DecisionInput(DecisionOutcome.Return, "请补充来源", raced.Version, false));

        await cut.InvokeAsync(() => cut.Find("[data-test=bulk-approve]").Click());
        dialogs.WaitForAssertion(() => Assert.NotNull(dialogs.Find("[data-test=prompt-confirm]")));
        await dialogs.InvokeAsync(() => dialogs.Find("[data-test=prompt-confirm]").Click());

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-test=bulk-results]")));
        var failed = cut.Find($"[data-test=bulk-result-{raced.Id}]");
        Assert.Equal("false", failed.GetAttribute("data-succeeded"));
        Assert.Contains("未能通过：", failed.TextContent);
        Assert.Contains("其他审核人已先对此环节作出决定", failed.TextContent);
        Assert.Equal("true", cut.Find($"[data-test=bulk-result-{fine.Id}]").GetAttribute("data-succeeded"));
        Assert.Contains("已通过 1 项，未通过 1 项", cut.Find("[data-test=bulk-results]").TextContent);
    }

    [Fact]
    public async Task OtherDepartmentsHead_SeesNoneOfTheItems_AndCannotBulkApprove()
    {
        UseChinese();
        var item = await SubmitAsync("officer", "权限-综合股稿件", Importance.Normal);

        await using var ctx = await ComponentTestContext.CreateAsync(app, "depthead2");
        var cut = ctx.Render<ReviewQueue>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-test=queue-table]")));
        Assert.DoesNotContain(item.Title, Titles(cut));
        Assert.Empty(cut.FindAll($"[data-test=select-{item.Id}]"));
        Assert.All(cut.FindAll("tbody tr"), row => Assert.DoesNotContain("综合股", row.TextContent));
        Assert.True(cut.Find("[data-test=bulk-approve]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task LoadMore_PagesByKeyset_WithoutRepeats()
    {
        UseChinese();
        var a = await SubmitAsync("officer2", "分页-甲", Importance.Normal);
        var b = await SubmitAsync("officer2", "分页-乙", Importance.Normal);
        var c = await SubmitAsync("officer2", "分页-丙", Importance.Normal);

        await using var ctx = await ComponentTestContext.CreateAsync(app, "depthead2");
        var cut = ctx.Render<ReviewQueue>(p => p.Add(q => q.PageLimit, 2));
        cut.WaitForAssertion(() => Assert.Equal(2, Titles(cut).Count));
        var seen = new List<string>(Titles(cut));
        while (cut.FindAll("[data-test=load-more]").Count > 0)
        {
            var before = Titles(cut).Count;
            await cut.InvokeAsync(() => cut.Find("[data-test=load-more]").Click());
            cut.WaitForAssertion(() => Assert.True(Titles(cut).Count >= before));
            if (Titles(cut).Count == before) break;
            seen = [.. Titles(cut)];
        }

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal([a.Title, b.Title, c.Title], seen.Where(t => t.StartsWith("分页-", StringComparison.Ordinal)).ToList());
    }

    // --- set-up -------------------------------------------------------------------------------

    private static void UseChinese() =>
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("zh-CN");

    /// <summary>Ticks an item's checkbox, after checking it is named after the item for screen readers.</summary>
    private static void Check(IRenderedComponent<ReviewQueue> cut, PublicationRequest item)
    {
        var box = cut.Find($"input[type=checkbox][data-test=select-{item.Id}]");
        Assert.Equal($"选择“{item.Title}”", cut.Find($"#{box.GetAttribute("aria-labelledby")}").TextContent);
        box.Change(true);
    }

    private static List<string> Titles(IRenderedComponent<ReviewQueue> cut) =>
        [.. cut.FindAll("[data-test=queue-title]").Select(a => a.TextContent.Trim())];

    private T Service<T>() where T : notnull => app.Services.CreateScope().ServiceProvider.GetRequiredService<T>();

    private async Task<Dictionary<string, int>> DepartmentIdsAsync()
    {
        await using var db = app.CreateDbContext();
        return await db.Departments.ToDictionaryAsync(d => d.Name, d => d.Id);
    }

    private async Task<(AppUser User, string[] Roles)> UserAsync(string userName)
    {
        await using var db = app.CreateDbContext();
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.UserName == userName);
        var roles = await db.UserRoles.Where(r => r.UserId == user.Id).Join(db.Roles, r => r.RoleId, r => r.Id, (_, r) => r.Name!).ToArrayAsync();
        return (user, roles);
    }

    private async Task<Actor> ActorAsync(string userName)
    {
        var (user, roles) = await UserAsync(userName);
        return new Actor(user.Id, userName, user.DisplayName, user.DepartmentId, roles.ToHashSet(StringComparer.Ordinal), "127.0.0.1");
    }

    /// <summary>Drafts and submits a request as the officer, through the real services.</summary>
    private async Task<PublicationRequest> SubmitAsync(string officer, string title, Importance importance)
    {
        var actor = await ActorAsync(officer);
        var column = (await Service<ColumnService>().ListAsync(Site.External))[0].Id;
        var requests = Service<RequestService>();
        var draft = await requests.CreateAsync(actor, new RequestInput(title, [column], ContentKind.Text, "<p>正文</p>", "本单位", importance, null, true));
        return (await requests.SubmitAsync(actor, draft.Id, draft.Version)).Request;
    }
}
