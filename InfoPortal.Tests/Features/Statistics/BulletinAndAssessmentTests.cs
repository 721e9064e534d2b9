using System.Net;
using System.Net.Http.Json;
using Bunit;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Statistics;
using InfoPortal.Infrastructure;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Features.Statistics;

public sealed class BulletinAndAssessmentTests
{
    [Fact]
    public async Task Xlsx_OpensWithOpenXml_AndHoldsTheFiguresAsNumbers()
    {
        await using var app = new PortalFactory();
        await StatisticsScenario.SeedAsync(app);
        await MonthlyStatisticsTests.RunAsync(app, 2026, 10);
        using var assessor = await ApiClient.SignInAsync(app, "assessor");
        var response = await assessor.Http.GetAsync("/api/v1/statistics/monthly.xlsx?year=2026&month=10");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(StatisticsModule.XlsxContentType, response.Content.Headers.ContentType?.MediaType);
        await using var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        using var document = SpreadsheetDocument.Open(stream, false);
        var workbook = document.WorkbookPart!;
        var sheets = workbook.Workbook.Sheets!.Elements<Sheet>().ToList();
        Assert.Equal(["按部门", "按栏目"], sheets.Select(s => s.Name!.Value));
        var data = ((WorksheetPart)workbook.GetPartById(sheets[0].Id!)).Worksheet.GetFirstChild<SheetData>()!;
        var rows = data.Elements<Row>().Select(r => r.Elements<Cell>().ToList()).ToList();
        Assert.Equal("部门", Text(rows[0][0]));
        var publishedColumn = rows[0].FindIndex(c => Text(c) == "发布");
        var takenDownColumn = rows[0].FindIndex(c => Text(c) == "停止发布");
        var medical = rows.Single(r => Text(r[0]) == "药品监管股");
        Assert.Equal(CellValues.Number, medical[publishedColumn].DataType!.Value);
        Assert.Equal("1", medical[publishedColumn].CellValue!.Text);
        Assert.Equal("1", medical[takenDownColumn].CellValue!.Text);
        var general = rows.Single(r => Text(r[0]) == "综合股");
        Assert.Equal("2", general[publishedColumn].CellValue!.Text);
        Assert.Equal("0.5", general[rows[0].FindIndex(c => Text(c) == "及时率")].CellValue!.Text);
        Assert.Equal("7", general[rows[0].FindIndex(c => Text(c) == "部门负责人审核时长中位数（小时）")].CellValue!.Text);
        Assert.NotNull(((WorksheetPart)workbook.GetPartById(sheets[0].Id!)).Worksheet.GetFirstChild<DocumentFormat.OpenXml.Spreadsheet.Columns>());

        using var officer = await ApiClient.SignInAsync(app, "officer");
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.Http.GetAsync("/api/v1/statistics/monthly.xlsx?year=2026&month=10")).StatusCode);

        // The dashboard's link (cookie sign-in): the same workbook for the assessor, refused for an officer.
        using var browser = app.CreatePortalClient();
        await browser.SignInAsync("assessor");
        var link = await browser.GetAsync("/office/statistics/export.xlsx?year=2026&month=10");
        Assert.Equal(HttpStatusCode.OK, link.StatusCode);
        Assert.Equal("attachment", link.Content.Headers.ContentDisposition?.DispositionType);
        using var officerBrowser = app.CreatePortalClient();
        await officerBrowser.SignInAsync("officer");
        Assert.Equal(HttpStatusCode.Forbidden, (await officerBrowser.GetAsync("/office/statistics/export.xlsx?year=2026&month=10")).StatusCode);
    }

    private static string Text(Cell cell) => cell.InlineString?.Text?.Text ?? cell.CellValue?.Text ?? "";

    [Fact]
    public async Task Bulletin_RanksDepartments_NamesBestAndLagging_ListsTakedowns_RerunReplaces()
    {
        await using var app = new PortalFactory();
        var s = await StatisticsScenario.SeedAsync(app);
        BulletinReport report = default!;
        for (var run = 0; run < 2; run++)
        {
            using var scope = app.Services.CreateScope();
            report = await scope.ServiceProvider.GetRequiredService<QuarterlyBulletinJob>().RunAsync(2026, 4);
        }

        // 药品监管股 and 综合股 both published 2 in October–November; the better timeliness (2/2 against 1/2) ranks first.
        Assert.Equal(["药品监管股", "综合股", "办公室", "医疗器械股"], report.Departments.Select(d => d.DepartmentName));
        // 办公室 and 医疗器械股 did nothing: a tie, shown as one rank (ADR 0026).
        Assert.Equal([1, 2, 3, 3], report.Departments.Select(d => d.Rank));
        var first = report.Departments[0];
        Assert.Equal((2, 2, 1), (first.Published, first.Timely, first.TakenDown));
        Assert.Equal(["药品监管股"], report.Best);
        // Lagging is the last of the departments that did something, not one that had nothing to publish (ADR 0026).
        Assert.Equal(["综合股"], report.Lagging);
        var takedown = Assert.Single(report.Takedowns);
        Assert.Equal((s.Requests["B1"], "信息已过时", "药品监管股"), (takedown.RequestId, takedown.Reason, takedown.DepartmentName));

        await using var db = app.CreateDbContext();
        Assert.Equal(1, await db.QuarterlyBulletins.CountAsync(b => b.Year == 2026 && b.Quarter == 4));

        // One request drafted by the office's officer in the internal 通报 column, in review at the office's first step; the rerun did not add a second.
        var requestId = Assert.IsType<int>(report.RequestId);
        var request = await db.Requests.Include(r => r.Columns).SingleAsync(r => r.Id == requestId);
        Assert.Equal(1, await db.Requests.CountAsync(r => r.Title == "2026年第4季度网站信息发布工作通报"));
        Assert.Equal((InfoPortal.Features.Requests.RequestStatus.InReview, Roles.DeptHead, s.Departments["办公室"]), (request.Status, request.CurrentRole, request.DepartmentId));
        var column = await db.Columns.SingleAsync(c => c.Id == request.Columns.Single().ColumnId);
        Assert.Equal((InfoPortal.Features.Columns.Site.Internal, "通报"), (column.Site, column.Name));
        Assert.Contains("药品监管股", request.BodyHtml, StringComparison.Ordinal);
        using (var officeHead = await ApiClient.SignInAsync(app, "officehead"))
        {
            await ApiClient.EnsureAsync(await officeHead.ApproveAsync(requestId), HttpStatusCode.OK);
        }

        using (var director = await ApiClient.SignInAsync(app, "director"))
        {
            var approved = await ApiClient.EnsureAsync(await director.ApproveAsync(requestId), HttpStatusCode.OK);
            Assert.Equal("Approved", approved.GetProperty("status").GetString());
        }

        var depthead = await db.Users.SingleAsync(u => u.UserName == "depthead");
        Assert.Equal(1, await db.Notifications.CountAsync(n => n.UserId == depthead.Id && n.Kind == "Bulletin"));

        await using var ctx = await ComponentTestContext.CreateAsync(app, "depthead");
        var cut = ctx.Render<InfoPortal.Features.Statistics.Pages.BulletinPage>(p => p.Add(x => x.Year, 2026).Add(x => x.Quarter, 4));
        cut.WaitForAssertion(() => Assert.Contains("表现最好：药品监管股", cut.Find("[data-test=best]").TextContent, StringComparison.Ordinal));
        Assert.Contains("信息已过时", cut.Find("[data-test=takedowns]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Assessment_ScoresWithConfiguredPoints_AdjustmentNeedsReason_RerunKeepsAdjustments()
    {
        await using var app = new PortalFactory()
            .With("Assessment:Points:Published", "2").With("Assessment:Points:Timely", "1").With("Assessment:Points:UsedByHigherAuthorities", "5")
            .With("Assessment:Points:Returned", "-1").With("Assessment:Points:TakenDown", "-4");
        var s = await StatisticsScenario.SeedAsync(app);
        using var scope = app.Services.CreateScope();
        var service = scope.ServiceProvider.GetRequiredService<AssessmentService>();
        var publisher = await ActorAsync(app, "publisher");
        var assessor = await ActorAsync(app, "assessor");
        var officer = await ActorAsync(app, "officer");
        await Assert.ThrowsAsync<ForbiddenException>(() => service.SetUsedByHigherAuthoritiesAsync(officer, s.Requests["A1"], true));
        await service.SetUsedByHigherAuthoritiesAsync(publisher, s.Requests["A1"], true);
        await Assert.ThrowsAsync<ForbiddenException>(() => service.ComputeAsync(officer, 2026));
        await service.ComputeAsync(assessor, 2026);

        var report = (await service.GetAsync(assessor, 2026))!;
        // 综合股: 2 published × 2 + 1 timely × 1 + 1 used × 5 + 1 return × −1 = 9; 药品监管股: 2 × 2 + 2 × 1 + 1 takedown × −4 = 2.
        Assert.Equal(["综合股", "药品监管股", "办公室", "医疗器械股"], report.Rows.Select(r => r.DepartmentName));
        Assert.Equal([9m, 2m, 0m, 0m], report.Rows.Select(r => r.Total));
        Assert.Equal(["综合股"], report.Commendations);
        // Criticism goes to the last active department; 办公室 and 医疗器械股 published nothing and are not ranked for it (ADR 0026).
        Assert.Equal(["药品监管股"], report.Criticisms);
        Assert.Equal([1, 2, 3, 3], report.Rows.Select(r => r.Rank));
        Assert.Empty(report.PendingRules); // every rule is scored now, the stale-column rule too (ADR 0051)
        // Each listed department carries its reason: its rank and the figures that put it there.
        Assert.Equal(("综合股", 1, 9m), (report.CommendedRows.Single().DepartmentName, report.CommendedRows.Single().Rank, report.CommendedRows.Single().Total));
        Assert.Equal("药品监管股", report.CriticisedRows.Single().DepartmentName);
        // Officers as individuals (§2 第五章 表彰…个人): 张信息 2 × 2 + 1 used × 5 + 1 return × −1 = 8; 王药监 2 × 2 + 1 takedown × −4 = 0.
        Assert.Equal([("张信息", 1, 8m), ("王药监", 2, 0m)], report.Individuals.Select(i => (i.Name, i.Rank, i.Points)));
        Assert.Equal(["张信息"], report.CommendedIndividuals.Select(i => i.Name));

        var general = s.Departments["综合股"];
        var refused = await Assert.ThrowsAsync<ValidationFailedException>(() => service.AdjustAsync(assessor, 2026, general, -10, "  "));
        Assert.Equal(["Statistics.Error.ReasonRequired"], refused.Errors["reason"]);
        await Assert.ThrowsAsync<ForbiddenException>(() => service.AdjustAsync(officer, 2026, general, 5, "理由"));
        await service.AdjustAsync(assessor, 2026, general, -10, "漏报重要信息");

        // Rerun: computed part replaced, the adjustment kept and shown with its reason.
        await service.ComputeAsync(assessor, 2026);
        report = (await service.GetAsync(assessor, 2026))!;
        var row = report.Rows.Single(r => r.DepartmentId == general);
        Assert.Equal((9m, -1m), (row.ComputedPoints, row.Total));
        Assert.Equal("漏报重要信息", Assert.Single(row.Adjustments).Reason);
        Assert.Equal("综合股", report.Rows[^1].DepartmentName);
        Assert.Equal(["综合股"], report.Criticisms);
        await using var db = app.CreateDbContext();
        Assert.Equal(4, await db.AssessmentScores.CountAsync(a => a.Year == 2026));
        Assert.True(await db.AuditRecords.AnyAsync(a => a.Action == "AssessmentAdjusted" && a.Detail!.Contains("漏报重要信息")));
        Assert.True(await db.AuditRecords.AnyAsync(a => a.Action == "AssessmentAdjusted" && a.Outcome == InfoPortal.Features.Audit.AuditOutcome.Refused));

        // Through the API: no reason → 400 problem with the field error; an officer → 403.
        using var api = await ApiClient.SignInAsync(app, "assessor");
        var bad = await api.Http.PostAsJsonAsync("/api/v1/statistics/assessment/2026/adjustments", new { departmentId = general, points = 3, reason = "" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("reason", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var officerApi = await ApiClient.SignInAsync(app, "officer");
        Assert.Equal(HttpStatusCode.Forbidden, (await officerApi.Http.PostAsJsonAsync("/api/v1/statistics/assessment/2026/adjustments", new { departmentId = general, points = 3, reason = "理由" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await officerApi.Http.PostAsJsonAsync($"/api/v1/requests/{s.Requests["B1"]}/used-by-higher-authorities", new { used = true })).StatusCode);
        var json = await ApiClient.EnsureAsync(await api.Http.GetAsync("/api/v1/statistics/assessment/2026"), HttpStatusCode.OK);
        Assert.Equal("漏报重要信息", json.GetProperty("rows")[3].GetProperty("adjustments")[0].GetProperty("reason").GetString());
    }

    internal static Task<Actor> ActorAsync(PortalFactory app, string userName) => app.ActorAsync(userName);
}
