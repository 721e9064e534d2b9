using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Columns;
using InfoPortal.Features.Columns.Governance;
using InfoPortal.Infrastructure;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Features.Columns;

/// <summary>§2 第六章第一条: the office proposes a column change, a leader approves, only then the Publisher applies.</summary>
public sealed class ColumnGovernanceTests
{
    private static async Task<JsonElement> ProposeAsync(ApiClient client, object body, HttpStatusCode expected = HttpStatusCode.Created) =>
        await ApiClient.EnsureAsync(await client.Http.PostAsJsonAsync("/api/v1/columns/changes", body), expected);

    private static Task<HttpResponseMessage> DecideAsync(ApiClient client, int id, string decision, string? opinion = null) =>
        client.Http.PostAsJsonAsync($"/api/v1/columns/changes/{id}/decision", new { decision, opinion });

    private static Task<HttpResponseMessage> ApplyAsync(ApiClient client, int id) =>
        client.Http.PostAsJsonAsync($"/api/v1/columns/changes/{id}/apply", new { });

    private static async Task<string> CodeOfAsync(HttpResponseMessage response, HttpStatusCode expected) =>
        (await ApiClient.EnsureAsync(response, expected)).GetProperty("code").GetString()!;

    private static async Task<List<string>> ExternalColumnNamesAsync(ApiClient client) =>
        [.. (await client.Http.GetFromJsonAsync<JsonElement>("/api/v1/columns?site=External")).EnumerateArray().Select(c => c.GetProperty("name").GetString()!)];

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Apply_WithoutLeaderApproval_IsRefused_AndWithApprovalItApplies(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        using var director = await ApiClient.SignInAsync(app, "director");
        using var leader = await ApiClient.SignInAsync(app, "leader");
        using var publisher = await ApiClient.SignInAsync(app, "publisher");
        var change = await ProposeAsync(director, new { kind = "Create", site = "External", name = "专题专栏", reason = "开设疫苗安全专题。", staleAfterDays = 14 });
        var id = change.GetProperty("id").GetInt32();
        Assert.Equal("Proposed", change.GetProperty("status").GetString());

        // Not approved yet: the Publisher cannot apply it, and nothing changes.
        Assert.Equal("change_not_approved", await CodeOfAsync(await ApplyAsync(publisher, id), HttpStatusCode.Conflict));
        Assert.DoesNotContain("专题专栏", await ExternalColumnNamesAsync(publisher));

        // Only a leader decides; the proposer, the Publisher and the director cannot.
        Assert.Equal("forbidden", await CodeOfAsync(await DecideAsync(publisher, id, "Approve"), HttpStatusCode.Forbidden));
        Assert.Equal("forbidden", await CodeOfAsync(await DecideAsync(director, id, "Approve"), HttpStatusCode.Forbidden));
        var approved = await ApiClient.EnsureAsync(await DecideAsync(leader, id, "Approve", "同意开设。"), HttpStatusCode.OK);
        Assert.Equal("Approved", approved.GetProperty("status").GetString());
        Assert.Equal("Leader", approved.GetProperty("decidedByRole").GetString());

        // A leader may not apply; the Publisher now can, once.
        Assert.Equal("forbidden", await CodeOfAsync(await ApplyAsync(leader, id), HttpStatusCode.Forbidden));
        var applied = await ApiClient.EnsureAsync(await ApplyAsync(publisher, id), HttpStatusCode.OK);
        Assert.Equal("Applied", applied.GetProperty("status").GetString());
        Assert.Contains("专题专栏", await ExternalColumnNamesAsync(publisher));
        Assert.Equal("change_already_applied", await CodeOfAsync(await ApplyAsync(publisher, id), HttpStatusCode.Conflict));

        await using var db = app.CreateDbContext();
        var created = await db.Columns.SingleAsync(c => c.Name == "专题专栏");
        Assert.Equal(created.Id, applied.GetProperty("resultColumnId").GetInt32());
        Assert.Equal(14, created.StaleAfterDays);
        var actions = await db.AuditRecords.Where(a => a.Target == $"column-change:{id}").OrderBy(a => a.Id).Select(a => a.Action).ToListAsync();
        // (The wrong-role attempts stop at the endpoint's role check; the service refuses them too, see ServiceChecksRoles.)
        Assert.Equal(["ColumnChangeProposed", "ColumnChangeApplyRefused", "ColumnChangeApproved", "ColumnChangeApplied", "ColumnChangeApplyRefused"], actions);
        var leaderId = await db.Users.Where(u => u.UserName == "leader").Select(u => u.Id).SingleAsync();
        Assert.True(await db.Notifications.AnyAsync(n => n.UserId == leaderId && n.Kind == "ColumnChangeProposed"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task RejectedChange_CannotBeApplied(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        using var publisher = await ApiClient.SignInAsync(app, "publisher");
        using var principal = await ApiClient.SignInAsync(app, "principal");
        var column = await publisher.ColumnIdAsync("互动交流");
        var id = (await ProposeAsync(publisher, new { kind = "Rename", site = "External", columnId = column, name = "政民互动", reason = "与上级网站栏目名称统一。" })).GetProperty("id").GetInt32();

        // A rejection needs an opinion.
        Assert.Equal("validation_failed", await CodeOfAsync(await DecideAsync(principal, id, "Reject"), HttpStatusCode.BadRequest));
        var rejected = await ApiClient.EnsureAsync(await DecideAsync(principal, id, "Reject", "暂不更名。"), HttpStatusCode.OK);
        Assert.Equal("Rejected", rejected.GetProperty("status").GetString());
        Assert.Equal("change_already_decided", await CodeOfAsync(await DecideAsync(principal, id, "Approve", "改为同意"), HttpStatusCode.Conflict));

        Assert.Equal("change_rejected", await CodeOfAsync(await ApplyAsync(publisher, id), HttpStatusCode.Conflict));
        Assert.Contains("互动交流", await ExternalColumnNamesAsync(publisher));
        Assert.DoesNotContain("政民互动", await ExternalColumnNamesAsync(publisher));
    }

    [Fact]
    public async Task Service_ChecksTheRoles_WhateverTheCaller()
    {
        await using var app = new PortalFactory();
        using var scope = app.Services.CreateScope();
        var changes = scope.ServiceProvider.GetRequiredService<ColumnChangeService>();
        var input = new ColumnChangeInput(ColumnChangeKind.Create, Site.External, "需要一个新栏目。", Name: "服务层栏目");
        await Assert.ThrowsAsync<ForbiddenException>(() => changes.ProposeAsync(ActorOf(app, "officer", Roles.Officer), input));
        var change = await changes.ProposeAsync(ActorOf(app, "director", Roles.OfficeDirector), input);
        await Assert.ThrowsAsync<ForbiddenException>(() => changes.ApproveAsync(ActorOf(app, "publisher", Roles.Publisher), change.Id, null, null));
        await Assert.ThrowsAsync<ForbiddenException>(() => changes.ApproveAsync(ActorOf(app, "director", Roles.OfficeDirector, Roles.Leader), change.Id, null, null)); // never one's own
        var error = await Assert.ThrowsAsync<ColumnChangeStateException>(() => changes.ApplyAsync(ActorOf(app, "publisher", Roles.Publisher), change.Id, null));
        Assert.Equal("change_not_approved", error.Code);
        await changes.ApproveAsync(ActorOf(app, "leader", Roles.Leader), change.Id, null, null);
        await Assert.ThrowsAsync<ForbiddenException>(() => changes.ApplyAsync(ActorOf(app, "leader", Roles.Leader), change.Id, null));
        Assert.Equal(ColumnChangeStatus.Applied, (await changes.ApplyAsync(ActorOf(app, "publisher", Roles.Publisher), change.Id, null)).Status);

        await using var db = app.CreateDbContext();
        Assert.Equal(4, await db.AuditRecords.CountAsync(a => a.Target == $"column-change:{change.Id}" && a.Action.EndsWith("Refused")));
    }

    private static Actor ActorOf(PortalFactory app, string userName, params string[] roles)
    {
        using var db = app.CreateDbContext();
        var user = db.Users.AsNoTracking().Single(u => u.UserName == userName);
        return new Actor(user.Id, userName, user.DisplayName, user.DepartmentId, roles.ToHashSet(StringComparer.Ordinal), "127.0.0.1");
    }

    [Fact]
    public async Task OnlyTheOffice_Proposes_WithAReason()
    {
        await using var app = new PortalFactory();
        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var leader = await ApiClient.SignInAsync(app, "leader");
        using var director = await ApiClient.SignInAsync(app, "director");
        var body = new { kind = "Create", site = "External", name = "新栏目", reason = "需要。" };
        Assert.Equal("forbidden", (await ProposeAsync(officer, body, HttpStatusCode.Forbidden)).GetProperty("code").GetString());
        Assert.Equal("forbidden", (await ProposeAsync(leader, body, HttpStatusCode.Forbidden)).GetProperty("code").GetString());
        var missing = await ProposeAsync(director, new { kind = "Create", site = "External", name = "新栏目", reason = " " }, HttpStatusCode.BadRequest);
        Assert.True(missing.GetProperty("errors").TryGetProperty("reason", out _));
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.Http.GetAsync("/api/v1/columns/changes")).StatusCode);
    }

    [Fact]
    public async Task ApprovedMergeAndLayout_MoveItemsAndOrder()
    {
        await using var app = new PortalFactory();
        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var depthead = await ApiClient.SignInAsync(app, "depthead");
        using var director = await ApiClient.SignInAsync(app, "director");
        using var leader = await ApiClient.SignInAsync(app, "leader");
        using var publisher = await ApiClient.SignInAsync(app, "publisher");
        var source = await officer.ColumnIdAsync("互动交流");
        var target = await officer.ColumnIdAsync("通知公告");
        var item = await officer.DraftAsync("合并前发布的信息", columnIds: [source]);
        await ApiClient.EnsureAsync(await officer.SubmitAsync(item), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await depthead.ApproveAsync(item), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await director.ApproveAsync(item), HttpStatusCode.OK);
        await ApiClient.ApproveRemainingAsync(app, item, director, leader); // the internet needs a leader (ADR 0045)
        await ApiClient.EnsureAsync(await publisher.PublishAsync(item), HttpStatusCode.OK);

        async Task ApproveAndApplyAsync(int id)
        {
            await ApiClient.EnsureAsync(await DecideAsync(leader, id, "Approve"), HttpStatusCode.OK);
            await ApiClient.EnsureAsync(await ApplyAsync(publisher, id), HttpStatusCode.OK);
        }

        // A request in review in the source column, whose version the department head read before the merge.
        var waiting = await officer.DraftAsync("合并时在审的信息", columnIds: [source]);
        await ApiClient.EnsureAsync(await officer.SubmitAsync(waiting), HttpStatusCode.OK);
        var versionBefore = (await depthead.GetAsync(waiting)).GetProperty("version").GetInt32();

        await ApproveAndApplyAsync((await ProposeAsync(director, new { kind = "Merge", site = "External", columnId = source, targetColumnId = target, reason = "栏目整合。" })).GetProperty("id").GetInt32());
        Assert.DoesNotContain("互动交流", await ExternalColumnNamesAsync(publisher));
        await using (var db = app.CreateDbContext())
        {
            Assert.Equal(target, await db.Publications.Where(p => p.RequestId == item).Select(p => p.ColumnId).SingleAsync());
            Assert.Equal(target, await db.RequestColumns.Where(c => c.RequestId == waiting).Select(c => c.ColumnId).SingleAsync());
            Assert.True((await db.Columns.SingleAsync(c => c.Id == source)).IsRetired);
        }

        // The merge moved the request's column in bulk and gave it a new version: a decision on what was
        // read before is a conflict, not a silent write over the move; on the current version it goes through.
        await ApiClient.EnsureAsync(await depthead.DecideAsync(waiting, "Approve", "同意发布。", versionBefore), HttpStatusCode.Conflict);
        var versionAfter = (await depthead.GetAsync(waiting)).GetProperty("version").GetInt32();
        Assert.True(versionAfter > versionBefore);
        await ApiClient.EnsureAsync(await depthead.DecideAsync(waiting, "Approve", "同意发布。", versionAfter), HttpStatusCode.OK);

        using var anonymous = app.CreatePortalClient();
        Assert.Contains("合并前发布的信息", await anonymous.GetStringAsync($"/columns/{target}"));

        // A new layout: the last external column first.
        var names = await ExternalColumnNamesAsync(publisher);
        var ids = new List<int>();
        foreach (var name in names) ids.Add(await publisher.ColumnIdAsync(name));
        ids.Insert(0, ids[^1]);
        ids.RemoveAt(ids.Count - 1);
        var layout = ids.Select((id, i) => new { columnId = id, parentId = (int?)null, sortOrder = (i + 1) * 10 }).ToArray();
        await ApproveAndApplyAsync((await ProposeAsync(publisher, new { kind = "Layout", site = "External", layout, reason = "突出重点栏目。" })).GetProperty("id").GetInt32());
        Assert.Equal([names[^1], .. names[..^1]], await ExternalColumnNamesAsync(publisher));

        // A layout that loops is refused at once.
        var loop = new[] { new { columnId = ids[0], parentId = (int?)ids[1], sortOrder = 10 }, new { columnId = ids[1], parentId = (int?)ids[0], sortOrder = 10 } };
        await ProposeAsync(publisher, new { kind = "Layout", site = "External", layout = loop, reason = "错误方案" }, HttpStatusCode.BadRequest);
    }
}
