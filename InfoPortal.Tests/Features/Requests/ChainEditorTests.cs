using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using InfoPortal.Features.Requests;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Features.Requests;

/// <summary>
/// Chains are data an agency changes (issue 14 item 2, ADR 0047): the office director proposes, a
/// leader approves, the new version takes effect for new submissions only; every step is audited;
/// a new release of the shipped definitions never overrides the agency's version.
/// </summary>
public sealed class ChainEditorTests
{
    private static object[] CountyWith(params object[] extra) =>
    [
        new { key = "dept-head", role = "DeptHead", scope = "OwnDepartment" },
        new { key = "office-director", role = "OfficeDirector", scope = "Global" },
        new { key = "leader", role = "Leader", scope = "Global", minImportance = "Important", alsoForSite = "External" },
        new { key = "principal", role = "PrincipalLeader", scope = "Global", minImportance = "Major" },
        .. extra,
    ];

    private static Task<HttpResponseMessage> ProposeAsync(ApiClient client, object[] steps, string? reason = "按保密工作要求，所有信息增加保密员审查。") =>
        client.Http.PostAsJsonAsync("/api/v1/chains/county/changes", new { steps, reason });

    private static async Task<List<string>> StepKeysAsync(ApiClient client, int id) =>
        [.. (await client.GetAsync(id)).GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("key").GetString()!)];

    private static async Task<string?> FirstErrorKeyAsync(HttpResponseMessage response)
    {
        var problem = await ApiClient.EnsureAsync(response, HttpStatusCode.BadRequest);
        return problem.GetProperty("errors").EnumerateObject().First().Name;
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Director_Proposes_LeaderApproves_NewRequestsFollowTheNewVersion_OldOnesKeepTheirs(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var director = await ApiClient.SignInAsync(app, "director");
        using var leader = await ApiClient.SignInAsync(app, "leader");
        using var sysadmin = await ApiClient.SignInAsync(app, "sysadmin");
        var secrecyStep = new { key = "secrecy-all", role = "SecrecyOfficer", scope = "Global" };

        var before = await officer.DraftAsync("流程变更前提交的信息");
        await ApiClient.EnsureAsync(await officer.SubmitAsync(before), HttpStatusCode.OK);

        // Only the office director proposes; the sysadmin cannot change who signs.
        await ApiClient.EnsureAsync(await ProposeAsync(sysadmin, CountyWith(secrecyStep)), HttpStatusCode.Forbidden);
        await ApiClient.EnsureAsync(await ProposeAsync(officer, CountyWith(secrecyStep)), HttpStatusCode.Forbidden);
        await ApiClient.EnsureAsync(await ProposeAsync(leader, CountyWith(secrecyStep)), HttpStatusCode.Forbidden);

        // Bad definitions are refused by field, and nothing is stored.
        Assert.Equal("steps", await FirstErrorKeyAsync(await ProposeAsync(director, [])));
        Assert.Equal("steps[4].role", await FirstErrorKeyAsync(await ProposeAsync(director, CountyWith(new { key = "web", role = "Publisher", scope = "Global" }))));
        Assert.Equal("steps[4].key", await FirstErrorKeyAsync(await ProposeAsync(director, CountyWith(new { key = "leader", role = "SecrecyOfficer", scope = "Global" }))));
        Assert.Equal("steps[4].scope", await FirstErrorKeyAsync(await ProposeAsync(director, CountyWith(new { key = "x", role = "SecrecyOfficer", scope = "OwnDepartment" }))));
        Assert.Equal("reason", await FirstErrorKeyAsync(await ProposeAsync(director, CountyWith(secrecyStep), reason: " ")));
        // 制度 一、二: a chain without a leader for a Normal internet item is not a chain this agency may have.
        var withoutLeader = new object[]
        {
            new { key = "dept-head", role = "DeptHead", scope = "OwnDepartment" },
            new { key = "office-director", role = "OfficeDirector", scope = "Global" },
            new { key = "leader", role = "Leader", scope = "Global", minImportance = "Important" },
        };
        var refused = await ApiClient.EnsureAsync(await ProposeAsync(director, withoutLeader), HttpStatusCode.BadRequest);
        Assert.Contains("分管领导或主要领导", refused.GetProperty("errors").GetProperty("steps")[0].GetString());
        await using (var db = app.CreateDbContext())
        {
            Assert.Equal(0, await db.ChainChanges.CountAsync());
        }

        var proposed = await ApiClient.EnsureAsync(await ProposeAsync(director, CountyWith(secrecyStep)), HttpStatusCode.Created);
        var changeId = proposed.GetProperty("id").GetInt32();
        Assert.Equal("Proposed", proposed.GetProperty("status").GetString());

        // Proposed is not in force.
        var during = await officer.DraftAsync("审批期间提交的信息");
        await ApiClient.EnsureAsync(await officer.SubmitAsync(during), HttpStatusCode.OK);
        Assert.DoesNotContain("secrecy-all", await StepKeysAsync(officer, during));

        // The proposer cannot approve; rejecting needs an opinion; a leader approves.
        var decide = (ApiClient c, string decision, string? opinion) =>
            c.Http.PostAsJsonAsync($"/api/v1/chains/changes/{changeId}/decision", new { decision, opinion });
        await ApiClient.EnsureAsync(await decide(director, "Approve", null), HttpStatusCode.Forbidden);
        await ApiClient.EnsureAsync(await decide(leader, "Reject", ""), HttpStatusCode.BadRequest);
        var approved = await ApiClient.EnsureAsync(await decide(leader, "Approve", "同意。"), HttpStatusCode.OK);
        Assert.Equal("Approved", approved.GetProperty("status").GetString());
        await ApiClient.EnsureAsync(await decide(leader, "Reject", "改为不同意"), HttpStatusCode.Conflict);

        var chains = await director.Http.GetFromJsonAsync<JsonElement>("/api/v1/chains");
        var county = chains.EnumerateArray().Single(c => c.GetProperty("code").GetString() == "county");
        Assert.True(county.GetProperty("isActive").GetBoolean());
        Assert.Equal(changeId, county.GetProperty("changeId").GetInt32());

        // New submissions follow the new version; the ones submitted before keep theirs.
        var after = await officer.DraftAsync("流程变更后提交的信息");
        await ApiClient.EnsureAsync(await officer.SubmitAsync(after), HttpStatusCode.OK);
        Assert.Equal(["dept-head", "office-director", "leader", "secrecy-all"], await StepKeysAsync(officer, after));
        Assert.Equal(["dept-head", "office-director", "leader"], await StepKeysAsync(officer, before));
        Assert.Equal(["dept-head", "office-director", "leader"], await StepKeysAsync(officer, during));

        // A new release of the shipped definitions (start-up) does not override the agency's approved version.
        using (var scope = app.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<ReviewChainService>().EnsureShippedAsync();
        }

        await using var check = app.CreateDbContext();
        var latest = await check.ReviewChains.Where(c => c.Code == "county").OrderByDescending(c => c.Version).FirstAsync();
        Assert.Equal(changeId, latest.ChangeId);
        Assert.True(latest.IsActive);

        // Every step is audited, and the leaders were told.
        var actions = await check.AuditRecords.Where(a => a.Action.StartsWith("ChainChange")).Select(a => a.Action).ToListAsync();
        Assert.Contains("ChainChangeProposed", actions);
        Assert.Contains("ChainChangeApproved", actions);
        var leaderId = await check.Users.Where(u => u.UserName == "leader").Select(u => u.Id).SingleAsync();
        Assert.True(await check.Notifications.AnyAsync(n => n.UserId == leaderId && n.Kind == ChainChangeService.ProposedKind));
    }

    [Fact]
    public void Conditions_OnKindAndSeveralDepartments_DecideWhetherAStepApplies()
    {
        var step = new ChainStep("video-secrecy", "SecrecyOfficer", StepScope.Global, OnlyForKind: ContentKind.Video);
        Assert.True(step.AppliesTo(Importance.Normal, [InfoPortal.Features.Columns.Site.Internal], ContentKind.Video));
        Assert.False(step.AppliesTo(Importance.Normal, [InfoPortal.Features.Columns.Site.Internal], ContentKind.Text));

        var several = new ChainStep("group", "SecrecyOfficer", StepScope.Global, OnlyIfSeveralDepartments: true);
        Assert.True(several.AppliesTo(Importance.Normal, [InfoPortal.Features.Columns.Site.External], ContentKind.Text, severalDepartments: true));
        Assert.False(several.AppliesTo(Importance.Normal, [InfoPortal.Features.Columns.Site.External], ContentKind.Text, severalDepartments: false));
    }
}
