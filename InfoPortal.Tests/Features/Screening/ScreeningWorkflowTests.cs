using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using InfoPortal.Features.Publishing;
using InfoPortal.Features.Screening;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Features.Screening;

/// <summary>Screening in the workflow, on SQLite and PostgreSQL: attachments, stored results, acknowledgement, overrides, list changes.</summary>
public sealed class ScreeningWorkflowTests
{
    private static async Task<JsonElement> ImportAsync(ApiClient client, int listId, string format, string content, HttpStatusCode expected, string query = "")
    {
        using var body = new StringContent(content, Encoding.UTF8, "text/plain");
        return await ApiClient.EnsureAsync(await client.Http.PostAsync($"/api/v1/screening/lists/{listId}/import?format={format}{query}", body), expected);
    }

    private static async Task<int> CreateListAsync(ApiClient secrecy, string name, string category = "Sensitive")
    {
        var created = await ApiClient.EnsureAsync(await secrecy.Http.PostAsJsonAsync("/api/v1/screening/lists", new { name, category }), HttpStatusCode.Created);
        return created.GetProperty("id").GetInt32();
    }

    private static Task<HttpResponseMessage> SubmitWithOverridesAsync(ApiClient officer, int id, params object[] overrides) =>
        officer.Http.PostAsJsonAsync($"/api/v1/requests/{id}/submit", new { overrides });

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AttachmentMarkings_InDocxHeader_AndPdfPage2_AreCaughtOnSubmit(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        using var officer = await ApiClient.SignInAsync(app, "officer");

        var docxRequest = await officer.DraftAsync("工作简报");
        await ApiClient.EnsureAsync(await ScreeningFixtures.UploadAsync(officer, docxRequest, "简报.docx", ScreeningFixtures.DocxWithHeader("本期简报介绍春季检查工作。", "内部资料 注意保存")), HttpStatusCode.OK);
        var problem = await ApiClient.EnsureAsync(await officer.SubmitAsync(docxRequest), (HttpStatusCode)422);
        Assert.Equal("blocked_by_screening", problem.GetProperty("code").GetString());
        var hit = problem.GetProperty("hits").EnumerateArray().Single(h => h.GetProperty("term").GetString() == "内部资料");
        Assert.StartsWith("attachment:", hit.GetProperty("field").GetString());
        Assert.Equal("header", hit.GetProperty("part").GetString());
        Assert.Equal("附件 简报.docx（页眉）", hit.GetProperty("label").GetString());
        Assert.Equal("Draft", (await officer.GetAsync(docxRequest)).GetProperty("status").GetString());

        var pdfRequest = await officer.DraftAsync("检查通报");
        await ApiClient.EnsureAsync(await ScreeningFixtures.UploadAsync(officer, pdfRequest, "通报.pdf", ScreeningFixtures.Pdf("第一页：检查情况通报", "机密★ 检查发现的问题")), HttpStatusCode.OK);
        problem = await ApiClient.EnsureAsync(await officer.SubmitAsync(pdfRequest), (HttpStatusCode)422);
        hit = problem.GetProperty("hits").EnumerateArray().First(h => h.GetProperty("level").GetString() == "Block");
        Assert.Equal(2, hit.GetProperty("page").GetInt32());
        Assert.Equal("附件 通报.pdf 第2页", hit.GetProperty("label").GetString());
        Assert.Contains("机密", hit.GetProperty("text").GetString());

        // The refused run is stored with its list version, and the detail shows it; the text was extracted once.
        var detail = await officer.GetAsync(pdfRequest);
        Assert.Equal("Draft", detail.GetProperty("status").GetString());
        var screening = detail.GetProperty("screening");
        Assert.Equal("Submit", screening.GetProperty("stage").GetString());
        Assert.False(screening.GetProperty("passed").GetBoolean());
        Assert.Equal(ScreeningService.BuiltInListVersion, screening.GetProperty("listVersion").GetString());
        await ApiClient.EnsureAsync(await officer.SubmitAsync(pdfRequest), (HttpStatusCode)422);
        await using var db = app.CreateDbContext();
        Assert.Equal(2, await db.AttachmentTexts.CountAsync());
        Assert.Equal(3, await db.ScreeningResults.CountAsync(r => !r.Passed && r.Stage == ScreeningStage.Submit));

        // A broken file is never a 500 — and never a pass either: what could not be read blocks
        // (fail closed, issue 10 item 11) until the 保密员 reviews it by hand (FailClosedScreeningTests).
        var broken = await officer.DraftAsync("损坏附件");
        await ApiClient.EnsureAsync(await ScreeningFixtures.UploadAsync(officer, broken, "坏.pdf", Encoding.ASCII.GetBytes("%PDF-1.7\n this is not really a pdf")), HttpStatusCode.OK);
        var refused = await ApiClient.EnsureAsync(await officer.SubmitAsync(broken), (HttpStatusCode)422);
        Assert.Equal("Screening.Extract.Failed", refused.GetProperty("hits").EnumerateArray().Single().GetProperty("term").GetString());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Warning_NeedsWrittenAcknowledgement_BeforeApproval(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var depthead = await ApiClient.SignInAsync(app, "depthead");
        var id = await officer.DraftAsync("联系方式公告", body: "<p>咨询电话 13812345678。</p>");
        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);

        var refused = await ApiClient.EnsureAsync(await depthead.DecideAsync(id, "Approve", "同意。"), HttpStatusCode.BadRequest);
        Assert.Equal("validation_failed", refused.GetProperty("code").GetString());
        Assert.True(refused.GetProperty("errors").TryGetProperty("acknowledgeWarnings", out _));
        refused = await ApiClient.EnsureAsync(await depthead.DecideAsync(id, "Approve", "  ", acknowledgeWarnings: true), HttpStatusCode.BadRequest);
        Assert.True(refused.GetProperty("errors").TryGetProperty("opinion", out _));
        Assert.Equal("DeptHead", (await officer.GetAsync(id)).GetProperty("currentStep").GetProperty("role").GetString());
        await using (var before = app.CreateDbContext())
        {
            // Looking again with nothing changed stores nothing new: the submit result still stands.
            Assert.Equal(1, await before.ScreeningResults.CountAsync(r => r.RequestId == id));
        }

        // The lists change while the item waits: the reviewer's next look is stored (stage Review) with the new version.
        using var secrecy = await ApiClient.SignInAsync(app, "secrecy");
        var list = await CreateListAsync(secrecy, "提醒词");
        await ImportAsync(secrecy, list, "text", "咨询电话\n", HttpStatusCode.OK, "&category=Custom&level=Warn");

        var approved = await ApiClient.EnsureAsync(await depthead.DecideAsync(id, "Approve", "电话为单位公开咨询电话，可以公开。", acknowledgeWarnings: true), HttpStatusCode.OK);
        Assert.Equal("OfficeDirector", approved.GetProperty("currentStep").GetProperty("role").GetString());
        await using var db = app.CreateDbContext();
        var decision = await db.Decisions.SingleAsync(d => d.RequestId == id);
        Assert.True(decision.AcknowledgedWarnings);
        var review = await db.ScreeningResults.SingleAsync(r => r.RequestId == id && r.Stage == ScreeningStage.Review);
        Assert.Equal(("lists-r2", 2), (review.ListVersion, review.WarningCount));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Override_AddsSecrecyOfficerStep_MarkingsNeverOverridden(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var depthead = await ApiClient.SignInAsync(app, "depthead");
        using var secrecy = await ApiClient.SignInAsync(app, "secrecy");
        using var director = await ApiClient.SignInAsync(app, "director");
        using var publisher = await ApiClient.SignInAsync(app, "publisher");
        var list = await CreateListAsync(secrecy, "项目代号");
        await ImportAsync(secrecy, list, "text", "星火工程\n", HttpStatusCode.OK, "&category=Sensitive&level=Block");

        // A secrecy marking proper: no reason lets it through.
        var marked = await officer.DraftAsync("内部资料汇编", body: "<p>内部资料</p>");
        var problem = await ApiClient.EnsureAsync(await SubmitWithOverridesAsync(officer, marked, new { term = "内部资料", reason = "已解密" }), (HttpStatusCode)422);
        Assert.Equal("blocked_by_screening", problem.GetProperty("code").GetString());

        var id = await officer.DraftAsync("星火工程进展", body: "<p>星火工程为科技部公开项目名称。</p>");
        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), (HttpStatusCode)422);
        await ApiClient.EnsureAsync(await SubmitWithOverridesAsync(officer, id, new { term = "星火工程", reason = "" }), HttpStatusCode.BadRequest);
        var submitted = await ApiClient.EnsureAsync(await SubmitWithOverridesAsync(officer, id, new { term = "星火工程", reason = "公开的国家科技计划名称，非涉密项目。" }), HttpStatusCode.OK);
        Assert.Equal("InReview", submitted.GetProperty("status").GetString());
        var steps = (await officer.GetAsync(id)).GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("role").GetString()).ToList();
        Assert.Equal(["DeptHead", "SecrecyOfficer", "OfficeDirector", "Leader"], steps); // the internet ends with a leader (ADR 0045)

        await ApiClient.EnsureAsync(await depthead.ApproveAsync(id), HttpStatusCode.OK);
        var afterSecrecy = await ApiClient.EnsureAsync(await secrecy.ApproveAsync(id, "经核，不涉密。"), HttpStatusCode.OK);
        Assert.Equal("OfficeDirector", afterSecrecy.GetProperty("currentStep").GetProperty("role").GetString());
        await ApiClient.EnsureAsync(await director.ApproveAsync(id), HttpStatusCode.OK);
        await ApiClient.ApproveRemainingAsync(app, id, director); // the internet needs a leader (ADR 0045)
        // The override made at submit still counts at publish.
        await ApiClient.EnsureAsync(await publisher.PublishAsync(id), HttpStatusCode.OK);
        var detail = await officer.GetAsync(id);
        Assert.Equal("Publish", detail.GetProperty("screening").GetProperty("stage").GetString());
        await using var db = app.CreateDbContext();
        Assert.True(await db.AuditRecords.AnyAsync(a => a.Action == "ScreeningOverridden" && a.Target == $"request:{id}"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ListChange_BlocksAtPublish_AndStopsScheduledPublishing(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var depthead = await ApiClient.SignInAsync(app, "depthead");
        using var director = await ApiClient.SignInAsync(app, "director");
        using var secrecy = await ApiClient.SignInAsync(app, "secrecy");
        using var publisher = await ApiClient.SignInAsync(app, "publisher");
        var now = await officer.DraftAsync("青山项目推介会", body: "<p>青山项目推介会顺利举行。</p>");
        var later = await officer.DraftAsync("青山项目后续安排", body: "<p>青山项目下一步工作。</p>");
        foreach (var id in new[] { now, later })
        {
            await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);
            await ApiClient.EnsureAsync(await depthead.ApproveAsync(id), HttpStatusCode.OK);
            await ApiClient.EnsureAsync(await director.ApproveAsync(id), HttpStatusCode.OK);
            await ApiClient.ApproveRemainingAsync(app, id, director); // the internet needs a leader (ADR 0045)
        }

        await ApiClient.EnsureAsync(await publisher.PublishAsync(later, DateTimeOffset.UtcNow.AddHours(1)), HttpStatusCode.OK);

        var list = await CreateListAsync(secrecy, "敏感项目");
        var imported = await ImportAsync(secrecy, list, "csv", "\uFEFFterm,category,level\n青山项目,Sensitive,Block\n", HttpStatusCode.OK);
        Assert.Equal(1, imported.GetProperty("added").GetInt32());
        var version = imported.GetProperty("listVersion").GetString();
        Assert.Equal("lists-r2", version);

        var problem = await ApiClient.EnsureAsync(await publisher.PublishAsync(now), (HttpStatusCode)422);
        Assert.Equal("blocked_by_screening", problem.GetProperty("code").GetString());
        Assert.Equal(version, problem.GetProperty("listVersion").GetString());
        var detail = await officer.GetAsync(now);
        Assert.Equal("Approved", detail.GetProperty("status").GetString());
        Assert.Equal(version, detail.GetProperty("screening").GetProperty("listVersion").GetString());
        Assert.Equal("Publish", detail.GetProperty("screening").GetProperty("stage").GetString());

        await using (var db = app.CreateDbContext())
        {
            var submitResult = await db.ScreeningResults.FirstAsync(r => r.RequestId == now && r.Stage == ScreeningStage.Submit);
            Assert.Equal(ScreeningService.BuiltInListVersion, submitResult.ListVersion);
            var past = DateTimeOffset.UtcNow.AddMinutes(-1);
            await db.Requests.Where(r => r.Id == later).ExecuteUpdateAsync(s => s.SetProperty(r => r.ScheduledFor, past));
        }

        using (var scope = app.Services.CreateScope())
        {
            Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<PublishingService>().PublishDueAsync());
        }

        Assert.Equal("Approved", (await officer.GetAsync(later)).GetProperty("status").GetString());
        await using var check = app.CreateDbContext();
        var publisherId = await check.Users.Where(u => u.UserName == "publisher").Select(u => u.Id).SingleAsync();
        var secrecyId = await check.Users.Where(u => u.UserName == "secrecy").Select(u => u.Id).SingleAsync();
        Assert.True(await check.Notifications.AnyAsync(n => n.Kind == "ScreeningBlockedPublish" && n.UserId == publisherId));
        Assert.True(await check.Notifications.AnyAsync(n => n.Kind == "ScreeningBlockedPublish" && n.UserId == secrecyId));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task WordLists_ImportErrorsReportedWithLines_NothingImported_OnlySecrecyOfficerChanges(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        using var secrecy = await ApiClient.SignInAsync(app, "secrecy");
        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var sysadmin = await ApiClient.SignInAsync(app, "sysadmin");

        // Authorisation in the service: officer and administrator cannot change lists (403); the administrator may read.
        await ApiClient.EnsureAsync(await officer.Http.PostAsJsonAsync("/api/v1/screening/lists", new { name = "越权", category = "Custom" }), HttpStatusCode.Forbidden);
        await ApiClient.EnsureAsync(await sysadmin.Http.PostAsJsonAsync("/api/v1/screening/lists", new { name = "越权", category = "Custom" }), HttpStatusCode.Forbidden);
        await ApiClient.EnsureAsync(await officer.Http.GetAsync("/api/v1/screening/lists"), HttpStatusCode.Forbidden);
        await ApiClient.EnsureAsync(await sysadmin.Http.GetAsync("/api/v1/screening/lists"), HttpStatusCode.OK);

        var list = await CreateListAsync(secrecy, "测试词表");
        await ApiClient.EnsureAsync(await officer.Http.PostAsJsonAsync($"/api/v1/screening/lists/{list}/terms", new { text = "甲", level = "Block" }), HttpStatusCode.Forbidden);
        var bad = await ImportAsync(secrecy, list, "csv", "\uFEFFterm,category,level\r\n好词一,Sensitive,Block\r\n坏级别,Sensitive,Maybe\r\n坏类别,Whatever,Warn\r\n,Custom,Warn\r\n好词二,Custom,Warn\r\n", HttpStatusCode.BadRequest);
        var errors = bad.GetProperty("errors");
        Assert.Equal(["line 3", "line 4", "line 5"], errors.EnumerateObject().Select(p => p.Name).Order());
        await using (var db = app.CreateDbContext())
        {
            Assert.Equal(0, await db.Terms.CountAsync());
            Assert.Equal(1, await db.WordListRevisions.CountAsync());
        }

        await ImportAsync(secrecy, list, "csv", "term,category\n甲,Custom\n", HttpStatusCode.BadRequest);
        var ok = await ImportAsync(secrecy, list, "csv", "term,category,level\n好词一,Sensitive,Block\n\"带,逗号\",Custom,Warn\n", HttpStatusCode.OK);
        Assert.Equal(2, ok.GetProperty("added").GetInt32());
        var text = await ImportAsync(secrecy, list, "text", "\uFEFF第三词\n好词一\n", HttpStatusCode.OK, "&category=Custom&level=Warn");
        Assert.Equal(1, text.GetProperty("added").GetInt32());
        Assert.Equal(1, text.GetProperty("updated").GetInt32());
        Assert.Equal("lists-r3", text.GetProperty("listVersion").GetString());

        var csv = await secrecy.Http.GetStringAsync($"/api/v1/screening/lists/{list}/export?format=csv");
        Assert.Contains("\"带,逗号\",Custom,Warn", csv);
        Assert.Contains("好词一,Custom,Warn", csv);

        // What the engine now uses: the check endpoint sees the new terms under the new version.
        var check = await ApiClient.EnsureAsync(await officer.Http.PostAsJsonAsync("/api/v1/screening/check", new { text = "这里有第三词" }), HttpStatusCode.OK);
        Assert.Equal("lists-r3", check.GetProperty("listVersion").GetString());
        Assert.Contains(check.GetProperty("hits").EnumerateArray(), h => h.GetProperty("term").GetString() == "第三词" && h.GetProperty("level").GetString() == "Warn");
        await using var audit = app.CreateDbContext();
        Assert.Equal(2, await audit.AuditRecords.CountAsync(a => a.Action == "WordListImported" && a.Outcome == InfoPortal.Features.Audit.AuditOutcome.Success));
    }
}
