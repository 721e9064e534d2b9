using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using InfoPortal.Tests.Features.Statistics;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Tests.Features.Requests;

/// <summary>
/// The form's 涉及部门 and 内部事项 (issue 14 items 3 and 4, ADR 0046): an item concerning other
/// departments is reviewed by the 保密工作领导小组 (SecrecyOfficer) before the leader (保密制度
/// 九(二)); an internal matter — declared by the officer or marked by a reviewer as they sign — is
/// approved by a leader (保密制度 五). Both are signed with the content and printed on the 申请表.
/// </summary>
public sealed class InvolvedDepartmentsAndInternalMatterTests
{
    private static async Task<int> DraftAsync(ApiClient officer, string title, string column, int[]? involved = null, bool internalMatter = false)
    {
        var response = await officer.CreateAsync(new
        {
            title,
            columnIds = new[] { await officer.ColumnIdAsync(column) },
            kind = "Text",
            bodyHtml = "<p>县局召开药品安全专题会议，部署下一阶段工作。</p>",
            source = "县局办公室",
            importance = "Normal",
            eventDate = DateOnly.FromDateTime(DateTime.Today).ToString("yyyy-MM-dd"),
            declarationAccepted = true,
            involvedDepartmentIds = involved,
            internalMatter,
        });
        var created = await ApiClient.EnsureAsync(response, HttpStatusCode.Created);
        return created.GetProperty("id").GetInt32();
    }

    private static async Task<Dictionary<string, int>> DepartmentsAsync(ApiClient client) =>
        (await client.Http.GetFromJsonAsync<JsonElement>("/api/v1/departments")).EnumerateArray()
            .ToDictionary(d => d.GetProperty("name").GetString()!, d => d.GetProperty("id").GetInt32());

    private static async Task<List<string>> StepKeysAsync(ApiClient client, int id) =>
        [.. (await client.GetAsync(id)).GetProperty("steps").EnumerateArray().Select(s => $"{s.GetProperty("role").GetString()}:{s.GetProperty("key").GetString()}")];

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task SeveralDepartments_GetTheSecrecyGroupsReview_BeforeTheLeader_AndThePrintedForm_NamesThem(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var secrecy = await ApiClient.SignInAsync(app, "secrecy");
        var departments = await DepartmentsAsync(officer);
        var me = (await officer.Http.GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("department").GetString()!;

        // A department that does not exist is refused by name of the field, and nothing is created.
        var bad = await officer.CreateAsync(new { title = "x", columnIds = new[] { await officer.ColumnIdAsync("工作动态") }, involvedDepartmentIds = new[] { 987654 } });
        var problem = await ApiClient.EnsureAsync(bad, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("involvedDepartmentIds", out _), problem.ToString());

        // The officer's own department is not "another" department.
        var own = await DraftAsync(officer, "本股室自己的信息", "工作动态", [departments[me]]);
        Assert.Empty((await officer.GetAsync(own)).GetProperty("involvedDepartmentIds").EnumerateArray());

        var id = await DraftAsync(officer, "县局药品与医疗器械联合检查通报", "工作动态", [departments["药品监管股"], departments["医疗器械股"]]);
        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);
        Assert.Equal(
            ["DeptHead:dept-head", "OfficeDirector:office-director", "SecrecyOfficer:cross-department-secrecy", "Leader:leader"],
            await StepKeysAsync(officer, id));

        // The secrecy officer cannot sign before the director; after the director it is theirs, then the leader's.
        await ApiClient.EnsureAsync(await secrecy.ApproveAsync(id), HttpStatusCode.Forbidden);
        using (var depthead = await ApiClient.SignInAsync(app, "depthead"))
        using (var director = await ApiClient.SignInAsync(app, "director"))
        {
            await ApiClient.EnsureAsync(await depthead.ApproveAsync(id), HttpStatusCode.OK);
            var afterDirector = await ApiClient.EnsureAsync(await director.ApproveAsync(id), HttpStatusCode.OK);
            Assert.Equal("cross-department-secrecy", afterDirector.GetProperty("currentStep").GetProperty("key").GetString());
        }

        Assert.Contains((await secrecy.QueueAsync()).EnumerateArray(), q => q.GetProperty("id").GetInt32() == id);
        var afterSecrecy = await ApiClient.EnsureAsync(await secrecy.ApproveAsync(id, "经保密审查，可以发布。"), HttpStatusCode.OK);
        Assert.Equal("Leader", afterSecrecy.GetProperty("currentStep").GetProperty("role").GetString());
        await ApiClient.ApproveRemainingAsync(app, id);

        // 涉及部门 is part of what was signed, and the printed 申请表 names the departments and the step.
        var detail = await officer.GetAsync(id);
        Assert.Equal([departments["药品监管股"], departments["医疗器械股"]], detail.GetProperty("involvedDepartmentIds").EnumerateArray().Select(e => e.GetInt32()).Order());
        Assert.All(detail.GetProperty("decisions").EnumerateArray(), d => Assert.Equal(detail.GetProperty("contentSha256").GetString(), d.GetProperty("contentSha256").GetString()));
        var text = StatisticsPdfTests.PdfText(await officer.Http.GetByteArrayAsync($"/api/v1/requests/{id}/form.pdf"));
        Assert.Contains("涉及部门", text);
        Assert.Contains("药品监管股、医疗器械股", text);
        Assert.Contains("保密工作领导小组审查", text);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task InternalMatter_DeclaredByTheOfficer_OrMarkedByAReviewer_NeedsALeader(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var depthead = await ApiClient.SignInAsync(app, "depthead");
        using var director = await ApiClient.SignInAsync(app, "director");

        // Declared on the form: an intranet item, whose chain (办法 第四章 第一条) has no leader, gets one.
        var declared = await DraftAsync(officer, "机关内部值班安排调整", "工作简报", internalMatter: true);
        Assert.True((await officer.GetAsync(declared)).GetProperty("internalMatter").GetBoolean());
        await ApiClient.EnsureAsync(await officer.SubmitAsync(declared), HttpStatusCode.OK);
        Assert.Equal(["DeptHead:dept-head", "OfficeDirector:office-director", "Leader:internal-matter-leader"], await StepKeysAsync(officer, declared));
        var text = StatisticsPdfTests.PdfText(await officer.Http.GetByteArrayAsync($"/api/v1/requests/{declared}/form.pdf"));
        Assert.Contains("本信息属于内部事项是", text);

        // Not declared: the department head sees it is an internal matter and marks it as they sign.
        var marked = await DraftAsync(officer, "第四季度工作安排", "工作简报");
        await ApiClient.EnsureAsync(await officer.SubmitAsync(marked), HttpStatusCode.OK);
        Assert.Equal(["DeptHead:dept-head", "OfficeDirector:office-director"], await StepKeysAsync(officer, marked));
        var version = (await depthead.GetAsync(marked)).GetProperty("version").GetInt32();
        var afterHead = await ApiClient.EnsureAsync(
            await depthead.Http.PostAsJsonAsync($"/api/v1/requests/{marked}/decisions", new { decision = "Approve", opinion = "属内部事项，请分管领导审批。", version, markInternalMatter = true }),
            HttpStatusCode.OK);
        Assert.Equal("OfficeDirector", afterHead.GetProperty("currentStep").GetProperty("role").GetString());
        Assert.Equal(["DeptHead:dept-head", "OfficeDirector:office-director", "Leader:internal-matter-leader"], await StepKeysAsync(officer, marked));
        var afterDirector = await ApiClient.EnsureAsync(await director.ApproveAsync(marked), HttpStatusCode.OK);
        Assert.Equal("InReview", afterDirector.GetProperty("status").GetString());
        using (var publisher = await ApiClient.SignInAsync(app, "publisher"))
        {
            await ApiClient.EnsureAsync(await publisher.PublishAsync(marked), HttpStatusCode.Conflict);
        }

        using var leader = await ApiClient.SignInAsync(app, "leader");
        Assert.Equal("Approved", (await ApiClient.EnsureAsync(await leader.ApproveAsync(marked, "同意在内网发布。"), HttpStatusCode.OK)).GetProperty("status").GetString());

        // The mark is audited with who made it, in the decision's transaction.
        await using var db = app.CreateDbContext();
        var audit = await db.AuditRecords.AsNoTracking().SingleAsync(a => a.Action == "InternalMatterMarked" && a.Target == $"request:{marked}");
        Assert.Equal("depthead", audit.ActorName);

        // Marking on a step where a leader is still to come adds nothing: one leader signs.
        var internet = await DraftAsync(officer, "互联网信息", "工作动态");
        await ApiClient.EnsureAsync(await officer.SubmitAsync(internet), HttpStatusCode.OK);
        version = (await depthead.GetAsync(internet)).GetProperty("version").GetInt32();
        await ApiClient.EnsureAsync(
            await depthead.Http.PostAsJsonAsync($"/api/v1/requests/{internet}/decisions", new { decision = "Approve", opinion = "同意。", version, markInternalMatter = true }),
            HttpStatusCode.OK);
        Assert.Equal(["DeptHead:dept-head", "OfficeDirector:office-director", "Leader:leader"], await StepKeysAsync(officer, internet));
    }
}
