using System.Net;
using System.Net.Http.Json;
using InfoPortal.Tests.TestSupport;

namespace InfoPortal.Tests.Features.Screening;

/// <summary>
/// 保密制度 五 (issue 14 item 3): an internal matter (内部事项) goes online only with a leader's
/// approval. When screening flags one and the officer asks for it to go through, a leader's step
/// is added — not the 保密员's, which stays for every other override.
/// </summary>
public sealed class InternalMatterTests
{
    private static Task<HttpResponseMessage> SubmitWithOverrideAsync(ApiClient officer, int id, string term, string reason) =>
        officer.Http.PostAsJsonAsync($"/api/v1/requests/{id}/submit", new { overrides = new[] { new { term, reason } } });

    private static async Task<List<string?>> RolesAsync(ApiClient client, int id) =>
        [.. (await client.GetAsync(id)).GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("role").GetString())];

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task InternalMatter_Override_NeedsALeader_NotTheSecrecyOfficer(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var depthead = await ApiClient.SignInAsync(app, "depthead");
        using var director = await ApiClient.SignInAsync(app, "director");
        using var leader = await ApiClient.SignInAsync(app, "leader");

        // An intranet item: its chain (办法 第四章 第一条) has no leader of its own, so the override adds one.
        var id = await officer.DraftAsync("关于调整值班安排的说明", columnIds: [await officer.ColumnIdAsync("工作简报")], body: "<p>本说明涉及局内部事项，经局领导同意后发布。</p>");
        var refused = await ApiClient.EnsureAsync(await officer.SubmitAsync(id), (HttpStatusCode)422);
        Assert.Contains(refused.GetProperty("hits").EnumerateArray(), h => h.GetProperty("term").GetString() == "内部事项");

        await ApiClient.EnsureAsync(await SubmitWithOverrideAsync(officer, id, "内部事项", "值班安排调整已经分管领导同意对外公布。"), HttpStatusCode.OK);
        Assert.Equal(["DeptHead", "OfficeDirector", "Leader"], await RolesAsync(officer, id));

        await ApiClient.EnsureAsync(await depthead.ApproveAsync(id), HttpStatusCode.OK);
        var afterDirector = await ApiClient.EnsureAsync(await director.ApproveAsync(id), HttpStatusCode.OK);
        Assert.Equal("InReview", afterDirector.GetProperty("status").GetString());
        Assert.Equal("internal-matter-leader", afterDirector.GetProperty("currentStep").GetProperty("key").GetString());
        var done = await ApiClient.EnsureAsync(await leader.ApproveAsync(id, "同意公开。"), HttpStatusCode.OK);
        Assert.Equal("Approved", done.GetProperty("status").GetString());
    }

    [Fact]
    public async Task InternalMatter_InAnImportantItem_KeepsTheOneLeaderStep()
    {
        await using var app = new PortalFactory();
        using var officer = await ApiClient.SignInAsync(app, "officer");
        var id = await officer.DraftAsync("重要事项说明", "Important", body: "<p>本说明涉及局内部事项。</p>");
        await ApiClient.EnsureAsync(await SubmitWithOverrideAsync(officer, id, "内部事项", "经分管领导同意公开。"), HttpStatusCode.OK);
        // The chain already ends with 分管领导: no second leader step, and no 保密员 step.
        Assert.Equal(["DeptHead", "OfficeDirector", "Leader"], await RolesAsync(officer, id));
    }
}
