using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Tests.Features.Requests;

/// <summary>The county procedure and its variants, end to end through the API on a fresh app.</summary>
public sealed class RequestJourneyTests(RequestJourneyTests.Fixture fixture) : IClassFixture<RequestJourneyTests.Fixture>
{
    public sealed class Fixture : PortalFactory
    {
        // Scheduled publishing runs through the Hangfire server: every second here, every minute in production.
        public Fixture() => With("Jobs:RunServer", "true").With("Jobs:PollingSeconds", "1").With("Jobs:scheduled-publishing:Cron", "* * * * * *");
    }

    private PortalFactory App => fixture;

    private async Task<(ApiClient Officer, ApiClient DeptHead, ApiClient Director, ApiClient Publisher)> ClientsAsync() =>
        (await ApiClient.SignInAsync(App, "officer"), await ApiClient.SignInAsync(App, "depthead"),
         await ApiClient.SignInAsync(App, "director"), await ApiClient.SignInAsync(App, "publisher"));

    [Fact]
    public async Task NormalInternetItem_OfficerDeptHeadDirectorLeaderPublisher_VisibleOnPublicPage()
    {
        var (officer, depthead, director, publisher) = await ClientsAsync();
        var id = await officer.DraftAsync("县局开展春季药品安全检查");

        var submitted = await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);
        Assert.Equal("InReview", submitted.GetProperty("status").GetString());
        Assert.Equal("DeptHead", submitted.GetProperty("currentStep").GetProperty("role").GetString());

        Assert.Contains((await depthead.QueueAsync()).EnumerateArray(), q => q.GetProperty("id").GetInt32() == id);
        var afterHead = await ApiClient.EnsureAsync(await depthead.ApproveAsync(id, "内容属实，同意。"), HttpStatusCode.OK);
        Assert.Equal("OfficeDirector", afterHead.GetProperty("currentStep").GetProperty("role").GetString());
        var afterDirector = await ApiClient.EnsureAsync(await director.ApproveAsync(id, "同意发布。"), HttpStatusCode.OK);

        // 互联网发布信息保密管理制度 一、二: whatever goes to the internet ends with a leader's signature,
        // a Normal item too (ADR 0045); until then nobody can publish it.
        Assert.Equal("InReview", afterDirector.GetProperty("status").GetString());
        Assert.Equal("Leader", afterDirector.GetProperty("currentStep").GetProperty("role").GetString());
        await ApiClient.EnsureAsync(await publisher.PublishAsync(id), HttpStatusCode.Conflict);
        using var leader = await ApiClient.SignInAsync(App, "leader");
        var approved = await ApiClient.EnsureAsync(await leader.ApproveAsync(id, "同意在互联网发布。"), HttpStatusCode.OK);
        Assert.Equal("Approved", approved.GetProperty("status").GetString());

        var published = await ApiClient.EnsureAsync(await publisher.PublishAsync(id), HttpStatusCode.OK);
        Assert.Equal("Published", published.GetProperty("status").GetString());
        var url = published.GetProperty("publicUrl").GetString();
        Assert.Equal($"/articles/{id}", url);

        using var anonymous = App.CreatePortalClient();
        var page = await anonymous.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("县局开展春季药品安全检查", html);
        Assert.Contains("县局办公室", html);
        Assert.DoesNotContain("blazor.web.js", html);
        Assert.Contains("县局开展春季药品安全检查", await anonymous.GetStringAsync("/"));

        // The detail carries the signed decision history.
        var detail = await officer.GetAsync(id);
        Assert.Equal(url, detail.GetProperty("publicUrl").GetString());
        var decisions = detail.GetProperty("decisions").EnumerateArray().ToList();
        Assert.Equal(["DeptHead", "OfficeDirector", "Leader"], decisions.Select(d => d.GetProperty("role").GetString()));
        Assert.Equal(["李综合", "孙主任", "周副局长"], decisions.Select(d => d.GetProperty("reviewer").GetString()));
        Assert.All(decisions, d => Assert.Equal(detail.GetProperty("contentSha256").GetString(), d.GetProperty("contentSha256").GetString()));
        Assert.Equal("内容属实，同意。", decisions[0].GetProperty("opinion").GetString());
    }

    [Fact]
    public async Task MajorItem_NeedsLeaderAndPrincipal()
    {
        var (officer, depthead, director, publisher) = await ClientsAsync();
        using var leader = await ApiClient.SignInAsync(App, "leader");
        using var principal = await ApiClient.SignInAsync(App, "principal");
        var id = await officer.DraftAsync("关于开展药品安全专项整治的重大举措", "Major");
        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await depthead.ApproveAsync(id), HttpStatusCode.OK);

        // The principal may not skip ahead of the leader.
        await ApiClient.EnsureAsync(await principal.ApproveAsync(id), HttpStatusCode.Forbidden);
        var afterDirector = await ApiClient.EnsureAsync(await director.ApproveAsync(id), HttpStatusCode.OK);
        Assert.Equal("Leader", afterDirector.GetProperty("currentStep").GetProperty("role").GetString());
        var afterLeader = await ApiClient.EnsureAsync(await leader.ApproveAsync(id), HttpStatusCode.OK);
        Assert.Equal("PrincipalLeader", afterLeader.GetProperty("currentStep").GetProperty("role").GetString());
        await ApiClient.EnsureAsync(await publisher.PublishAsync(id), HttpStatusCode.Conflict);
        var done = await ApiClient.EnsureAsync(await principal.ApproveAsync(id), HttpStatusCode.OK);
        Assert.Equal("Approved", done.GetProperty("status").GetString());
        Assert.Equal(4, (await officer.GetAsync(id)).GetProperty("decisions").GetArrayLength());
    }

    [Fact]
    public async Task NormalIntranetItem_FollowsThe办法_DeptHeadAndDirectorOnly_WhileEveryInternetItemEndsWithOneLeader()
    {
        var (officer, depthead, director, _) = await ClientsAsync();

        // 办法 第四章 第一条 is the internal website's procedure: 部门负责人 → 办公室主任 for a Normal item.
        var intranet = await officer.DraftAsync("第三季度工作简报", columnIds: [await officer.ColumnIdAsync("工作简报")]);
        await ApiClient.EnsureAsync(await officer.SubmitAsync(intranet), HttpStatusCode.OK);
        Assert.Equal(["DeptHead", "OfficeDirector"], Roles(await officer.GetAsync(intranet)));
        await ApiClient.EnsureAsync(await depthead.ApproveAsync(intranet), HttpStatusCode.OK);
        Assert.Equal("Approved", (await ApiClient.EnsureAsync(await director.ApproveAsync(intranet), HttpStatusCode.OK)).GetProperty("status").GetString());

        // The internet always ends with a leader (制度 一、二); an Important item gets that one leader step,
        // not two, and a Major one adds the principal after it (办法 重大举措).
        foreach (var (importance, expected) in new[]
        {
            ("Normal", new[] { "DeptHead", "OfficeDirector", "Leader" }),
            ("Important", ["DeptHead", "OfficeDirector", "Leader"]),
            ("Major", ["DeptHead", "OfficeDirector", "Leader", "PrincipalLeader"]),
        })
        {
            var id = await officer.DraftAsync($"互联网信息（{importance}）", importance);
            await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);
            Assert.Equal(expected, Roles(await officer.GetAsync(id)));
        }

        // An item for both sites is an internet item.
        var both = await officer.DraftAsync("两网同时发布的通知", columnIds: [await officer.ColumnIdAsync("工作动态"), await officer.ColumnIdAsync("工作简报")]);
        await ApiClient.EnsureAsync(await officer.SubmitAsync(both), HttpStatusCode.OK);
        Assert.Equal(["DeptHead", "OfficeDirector", "Leader"], Roles(await officer.GetAsync(both)));

        static string[] Roles(System.Text.Json.JsonElement detail) =>
            [.. detail.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("role").GetString()!)];
    }

    [Fact]
    public async Task ReturnedItem_ResubmittedAfterEdit_StartsAgainAtFirstStep()
    {
        var (officer, depthead, director, _) = await ClientsAsync();
        var id = await officer.DraftAsync("关于调整办公时间的通知");
        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await depthead.ApproveAsync(id), HttpStatusCode.OK);
        var signedHash = (await officer.GetAsync(id)).GetProperty("contentSha256").GetString();

        var noOpinion = await ApiClient.EnsureAsync(await director.DecideAsync(id, "Return", ""), HttpStatusCode.BadRequest);
        Assert.Equal("validation_failed", noOpinion.GetProperty("code").GetString());
        var returned = await ApiClient.EnsureAsync(await director.DecideAsync(id, "Return", "请写明执行日期。"), HttpStatusCode.OK);
        Assert.Equal("Returned", returned.GetProperty("status").GetString());

        var detail = await officer.GetAsync(id);
        var edit = await officer.UpdateAsync(id, new
        {
            title = "关于调整办公时间的通知（自12月1日起执行）",
            columnIds = detail.GetProperty("columnIds").EnumerateArray().Select(c => c.GetInt32()).ToArray(),
            kind = "Text", bodyHtml = "<p>自12月1日起执行。</p>", source = "县局办公室", importance = "Normal",
            eventDate = DateOnly.FromDateTime(DateTime.Today).ToString("yyyy-MM-dd"), declarationAccepted = true,
            version = detail.GetProperty("version").GetInt32(),
        });
        await ApiClient.EnsureAsync(edit, HttpStatusCode.OK);
        var resubmitted = await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);
        Assert.Equal("DeptHead", resubmitted.GetProperty("currentStep").GetProperty("role").GetString());

        // The director cannot sign before the department head signs the new version.
        await ApiClient.EnsureAsync(await director.ApproveAsync(id), HttpStatusCode.Forbidden);
        await ApiClient.EnsureAsync(await depthead.ApproveAsync(id, "已修改，同意。"), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await director.ApproveAsync(id), HttpStatusCode.OK);
        await ApiClient.ApproveRemainingAsync(App, id, director); // the internet needs a leader (ADR 0045)

        var final = await officer.GetAsync(id);
        Assert.Equal("Approved", final.GetProperty("status").GetString());
        Assert.Equal(2, final.GetProperty("round").GetInt32());
        var newHash = final.GetProperty("contentSha256").GetString();
        Assert.NotEqual(signedHash, newHash);
        var round2 = final.GetProperty("decisions").EnumerateArray().Where(d => d.GetProperty("round").GetInt32() == 2).ToList();
        Assert.Equal(3, round2.Count); // 部门负责人, 办公室主任, 分管领导 again
        Assert.All(round2, d => Assert.Equal(newHash, d.GetProperty("contentSha256").GetString()));
    }

    [Fact]
    public async Task EditWhileInReview_IsRefused_StaleVersionIs409()
    {
        var (officer, _, _, _) = await ClientsAsync();
        var id = await officer.DraftAsync("测试版本冲突");
        var v1 = (await officer.GetAsync(id)).GetProperty("version").GetInt32();
        var body = new { title = "第二稿", columnIds = new[] { await officer.ColumnIdAsync("工作动态") }, kind = "Text", bodyHtml = "<p>x</p>", source = "s", importance = "Normal", eventDate = "2026-11-20", declarationAccepted = true, version = v1 };
        await ApiClient.EnsureAsync(await officer.UpdateAsync(id, body), HttpStatusCode.OK);
        var stale = await ApiClient.EnsureAsync(await officer.UpdateAsync(id, body), HttpStatusCode.Conflict);
        Assert.Equal("conflict", stale.GetProperty("code").GetString());

        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);
        var current = (await officer.GetAsync(id)).GetProperty("version").GetInt32();
        await ApiClient.EnsureAsync(await officer.UpdateAsync(id, body with { version = current }), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task InternalShortcut_PublishedExternalItem_GoesToIntranetWithoutReview()
    {
        var (officer, depthead, director, publisher) = await ClientsAsync();
        var id = await officer.DraftAsync("医疗器械监管工作动态");
        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await depthead.ApproveAsync(id), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await director.ApproveAsync(id), HttpStatusCode.OK);
        await ApiClient.ApproveRemainingAsync(App, id, director); // the internet needs a leader (ADR 0045)
        await ApiClient.EnsureAsync(await publisher.PublishAsync(id), HttpStatusCode.OK);

        var intranet = await publisher.ColumnIdAsync("工作简报");
        var external = await publisher.ColumnIdAsync("通知公告");
        await ApiClient.EnsureAsync(await publisher.PublishAsync(id, columnIds: [external]), HttpStatusCode.Conflict);
        await ApiClient.EnsureAsync(await publisher.PublishAsync(id, columnIds: [intranet]), HttpStatusCode.OK);

        var publications = (await officer.GetAsync(id)).GetProperty("publications").EnumerateArray().ToList();
        Assert.Equal(["External", "Internal"], publications.Select(p => p.GetProperty("site").GetString()));
        Assert.Equal(3, (await officer.GetAsync(id)).GetProperty("decisions").GetArrayLength()); // 部门负责人, 办公室主任, 分管领导: none for the intranet

        // The intranet column is for signed-in users only.
        using var anonymous = App.CreatePortalClient();
        var column = await anonymous.GetAsync($"/columns/{intranet}");
        Assert.Equal(HttpStatusCode.Redirect, column.StatusCode);
    }

    [Fact]
    public async Task ScheduledPublish_IsPublishedByTheSchedulerAtItsTime()
    {
        var (officer, depthead, director, publisher) = await ClientsAsync();
        var id = await officer.DraftAsync("定时发布的通知");
        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await depthead.ApproveAsync(id), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await director.ApproveAsync(id), HttpStatusCode.OK);
        await ApiClient.ApproveRemainingAsync(App, id, director); // the internet needs a leader (ADR 0045)

        var at = DateTimeOffset.UtcNow.AddSeconds(2);
        var scheduled = await ApiClient.EnsureAsync(await publisher.PublishAsync(id, at), HttpStatusCode.OK);
        Assert.Equal("Scheduled", scheduled.GetProperty("status").GetString());
        using var anonymous = App.CreatePortalClient();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/articles/{id}")).StatusCode);

        // The scheduler runs every second; the deadline is for a machine busy with the whole suite
        // (a full local run once saw it still Scheduled after 10 s while every test host was starting).
        var status = "Scheduled";
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (status == "Scheduled" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
            status = (await officer.GetAsync(id)).GetProperty("status").GetString()!;
        }

        Assert.Equal("Published", status);
        var detail = await officer.GetAsync(id);
        Assert.True(detail.GetProperty("publishedAt").GetDateTimeOffset() >= at.AddMilliseconds(-1));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/articles/{id}")).StatusCode);
    }

    [Fact]
    public async Task Takedown_Answers410AtOnce_KeepsSnapshot_NotifiesLeaders()
    {
        var (officer, depthead, director, publisher) = await ClientsAsync();
        var id = await officer.DraftAsync("需要撤下的信息");
        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await depthead.ApproveAsync(id), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await director.ApproveAsync(id), HttpStatusCode.OK);
        await ApiClient.ApproveRemainingAsync(App, id, director); // the internet needs a leader (ADR 0045)
        await ApiClient.EnsureAsync(await publisher.PublishAsync(id), HttpStatusCode.OK);

        using var anonymous = App.CreatePortalClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/articles/{id}")).StatusCode);
        await ApiClient.EnsureAsync(await publisher.TakeDownAsync(id, ""), HttpStatusCode.BadRequest);
        var down = await ApiClient.EnsureAsync(await publisher.TakeDownAsync(id, "数据有误，停止发布"), HttpStatusCode.OK);
        Assert.Equal("TakenDown", down.GetProperty("status").GetString());

        var gone = await anonymous.GetAsync($"/articles/{id}");
        Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
        Assert.DoesNotContain("需要撤下的信息", await gone.Content.ReadAsStringAsync());
        Assert.DoesNotContain("需要撤下的信息", await anonymous.GetStringAsync("/"));

        await using var db = App.CreateDbContext();
        var takedown = await db.Takedowns.SingleAsync(t => t.RequestId == id);
        Assert.Equal("数据有误，停止发布", takedown.Reason);
        Assert.Contains("需要撤下的信息", takedown.SnapshotJson);
        var request = await db.Requests.SingleAsync(r => r.Id == id);
        Assert.Equal(request.ContentSha256, takedown.ContentSha256);

        var notified = await db.Notifications.Where(n => n.Kind == "TakenDown" && n.Href == $"/office/requests/{id}")
            .Join(db.Users, n => n.UserId, u => u.Id, (n, u) => u.UserName).ToListAsync();
        Assert.Contains("leader", notified);
        Assert.Contains("principal", notified);
        Assert.Contains("depthead", notified);
        Assert.Contains("officer", notified);
        Assert.DoesNotContain("depthead2", notified);
    }

    [Fact]
    public async Task Notifications_TellTheNextReviewer_AndTheOfficerWhenReturned()
    {
        var (officer, depthead, _, _) = await ClientsAsync();
        var id = await officer.DraftAsync("通知测试");
        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await depthead.DecideAsync(id, "Return", "请补充图片"), HttpStatusCode.OK);

        await using var db = App.CreateDbContext();
        var users = await db.Users.Where(u => u.UserName == "depthead" || u.UserName == "officer" || u.UserName == "depthead2").ToDictionaryAsync(u => u.UserName!, u => u.Id);
        var href = $"/office/requests/{id}";
        Assert.True(await db.Notifications.AnyAsync(n => n.UserId == users["depthead"] && n.Kind == "ReviewWaiting" && n.Href == href));
        Assert.False(await db.Notifications.AnyAsync(n => n.UserId == users["depthead2"] && n.Href == href));
        var returned = await db.Notifications.SingleAsync(n => n.UserId == users["officer"] && n.Kind == "Returned" && n.Href == href);
        Assert.Contains("请补充图片", returned.Args);
    }

    [Fact]
    public async Task Withdraw_BeforeFirstDecision_Works_AfterIt_409()
    {
        var (officer, depthead, _, _) = await ClientsAsync();
        var first = await officer.DraftAsync("撤回测试一");
        await ApiClient.EnsureAsync(await officer.SubmitAsync(first), HttpStatusCode.OK);
        var withdrawn = await ApiClient.EnsureAsync(await officer.WithdrawAsync(first), HttpStatusCode.OK);
        Assert.Equal("Withdrawn", withdrawn.GetProperty("status").GetString());

        var second = await officer.DraftAsync("撤回测试二");
        await ApiClient.EnsureAsync(await officer.SubmitAsync(second), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await depthead.ApproveAsync(second), HttpStatusCode.OK);
        var refused = await ApiClient.EnsureAsync(await officer.WithdrawAsync(second), HttpStatusCode.Conflict);
        Assert.Contains("不能再撤回", refused.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ProvincialChain_WhenActive_UnitLeaderThenProvincialApproval()
    {
        await using var app = new PortalFactory();
        using (var scope = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.CreateScope(app.Services))
        {
            var chains = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<InfoPortal.Features.Requests.ReviewChainService>(scope.ServiceProvider);
            await using var db = app.CreateDbContext();
            var sysadmin = await db.Users.SingleAsync(u => u.UserName == "sysadmin");
            var admin = new InfoPortal.Infrastructure.Security.Actor(sysadmin.Id, "sysadmin", "褚系统", sysadmin.DepartmentId, new HashSet<string> { "SystemAdmin" }, "127.0.0.1");
            await chains.SetActiveAsync(admin, "provincial");
        }

        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var leader = await ApiClient.SignInAsync(app, "leader");
        using var director = await ApiClient.SignInAsync(app, "director");
        using var depthead = await ApiClient.SignInAsync(app, "depthead");
        var id = await officer.DraftAsync("报省局审批的重要信息", "Important");
        var submitted = await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);
        Assert.Equal("Leader", submitted.GetProperty("currentStep").GetProperty("role").GetString());
        await ApiClient.EnsureAsync(await depthead.ApproveAsync(id), HttpStatusCode.Forbidden);
        var afterLeader = await ApiClient.EnsureAsync(await leader.ApproveAsync(id, "同意，报省局审批。"), HttpStatusCode.OK);
        Assert.Equal("provincial-approval", afterLeader.GetProperty("currentStep").GetProperty("key").GetString());
        // The higher authority's approval is evidence, not a click (issue 10 item 10): a plain approval is refused.
        await ApiClient.EnsureAsync(await director.ApproveAsync(id, "省局已批复同意。"), HttpStatusCode.BadRequest);
        var done = await ApiClient.EnsureAsync(await ProvincialEvidenceTests.RecordAsync(director, id, "甘肃省农村合作医疗管理办公室", "甘农合办〔2026〕12号", "2026-11-30", "省局已批复同意。"), HttpStatusCode.OK);
        Assert.Equal("Approved", done.GetProperty("status").GetString());

        await using var check = app.CreateDbContext();
        Assert.True(await check.AuditRecords.AnyAsync(a => a.Action == "SettingsChanged" && a.Target == "review-chain"));
    }
}
