using System.Net;
using Bunit;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using InfoPortal.Features.Interaction;
using InfoPortal.Features.Statistics;
using InfoPortal.Features.Statistics.Pages;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace InfoPortal.Tests.Features.Statistics;

/// <summary>
/// Issue 6 part 4 in the statistics: the interaction figures of <see cref="StatisticsScenario.SeedMessagesAsync"/>
/// in the monthly snapshot, its API, .xlsx and dashboard, and the assessment's late-reply rule.
/// </summary>
public sealed class InteractionFiguresTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Snapshot_SeededOctober_HoldsHandComputedInteractionFigures_AndRerunReplacesThem(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var s = await StatisticsScenario.SeedAsync(app);
        var messages = await StatisticsScenario.SeedMessagesAsync(app);
        await MonthlyStatisticsTests.RunAsync(app, 2026, 10);

        await using (var db = app.CreateDbContext())
        {
            var rows = await db.MonthlyStatistics.Where(r => r.Year == 2026 && r.Month == 10).ToListAsync();
            var a = rows.Single(r => r.DepartmentId == s.Departments["综合股"] && r.ColumnId == 0);
            // M1–M4; M1, M2 answered; M1 on time; M2 late + M3 open past its deadline on 31 October (M4's is 4 November); median (120 + 15,840) / 2 min = 133 h.
            Assert.Equal((4, 2, 1, 2, 133.0), (a.MessagesReceived, a.MessagesAnswered, a.MessagesAnsweredOnTime, a.MessagesLate, a.MedianReplyHours));
            var b = rows.Single(r => r.DepartmentId == s.Departments["药品监管股"] && r.ColumnId == 0);
            // N1–N3, all on time; median of 30, 60, 360 min = 1 h.
            Assert.Equal((3, 3, 3, 0, 1.0), (b.MessagesReceived, b.MessagesAnswered, b.MessagesAnsweredOnTime, b.MessagesLate, b.MedianReplyHours));
            var quiet = rows.Single(r => r.DepartmentId == s.Departments["医疗器械股"] && r.ColumnId == 0);
            Assert.Equal((0, 0, null), (quiet.MessagesReceived, quiet.MessagesLate, quiet.MedianReplyHours));
            // Messages have no column: the column rows hold none; the unassigned U1 is in no row.
            Assert.All(rows.Where(r => r.ColumnId != 0), r => Assert.Equal(0, r.MessagesReceived + r.MessagesAnswered + r.MessagesLate));
            Assert.Equal(7, rows.Sum(r => r.MessagesReceived));

            // September holds M0 only.
            await MonthlyStatisticsTests.RunAsync(app, 2026, 9);
            var september = await db.MonthlyStatistics.SingleAsync(r => r.Year == 2026 && r.Month == 9 && r.DepartmentId == s.Departments["综合股"] && r.ColumnId == 0);
            // Open, but its deadline (9 October) was after September's last day: not late in September's snapshot.
            Assert.Equal((1, 0, 0), (september.MessagesReceived, september.MessagesAnswered, september.MessagesLate));

            // After the first run, M4 is answered on 2 November (on time, 5 days + 60 min = 7,260 min) and M3 on 3 November (late).
            int m3 = messages["M3"], m4 = messages["M4"];
            var nov2 = new DateOnly(2026, 11, 2);
            var nov3 = new DateOnly(2026, 11, 3);
            await db.InteractionMessages.Where(m => m.Id == m4).ExecuteUpdateAsync(u => u
                .SetProperty(m => m.Status, MessageStatus.Answered).SetProperty(m => m.AnsweredOn, nov2).SetProperty(m => m.ReplyMinutes, 7260));
            await db.InteractionMessages.Where(m => m.Id == m3).ExecuteUpdateAsync(u => u
                .SetProperty(m => m.Status, MessageStatus.Answered).SetProperty(m => m.AnsweredOn, nov3).SetProperty(m => m.ReplyMinutes, 31680));
        }

        var before = await CountAsync(app);
        await MonthlyStatisticsTests.RunAsync(app, 2026, 10);
        await using var check = app.CreateDbContext();
        Assert.Equal(before, await CountAsync(app));
        var again = await check.MonthlyStatistics.SingleAsync(r => r.Year == 2026 && r.Month == 10 && r.DepartmentId == s.Departments["综合股"] && r.ColumnId == 0);
        // Answered M1 M2 M3 M4; on time M1 M4; late M2 M3; median of 120, 7,260, 15,840, 31,680 min = (7,260 + 15,840) / 2 = 11,550 min = 192.5 h.
        Assert.Equal((4, 4, 2, 2, 192.5), (again.MessagesReceived, again.MessagesAnswered, again.MessagesAnsweredOnTime, again.MessagesLate, again.MedianReplyHours));
    }

    [Fact]
    public async Task JudgingDay_IsTheMonthsLastDay_OrTodayForTheCurrentMonth()
    {
        await using var app = new PortalFactory();
        using var scope = app.Services.CreateScope();
        var job = scope.ServiceProvider.GetRequiredService<MonthlyStatisticsJob>();
        var calendar = scope.ServiceProvider.GetRequiredService<StatisticsCalendar>();
        Assert.Equal(new DateOnly(2026, 10, 31), job.InteractionJudgingDay(2026, 10));
        Assert.Equal(new DateOnly(2024, 2, 29), job.InteractionJudgingDay(2024, 2));
        var (year, month) = calendar.CurrentMonth();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, calendar.Zone).DateTime);
        Assert.Equal(today, job.InteractionJudgingDay(year, month));
    }

    [Fact]
    public async Task Api_Xlsx_AndDashboard_CarryTheInteractionFigures()
    {
        await using var app = new PortalFactory();
        var s = await StatisticsScenario.SeedAsync(app);
        await StatisticsScenario.SeedMessagesAsync(app);
        await MonthlyStatisticsTests.RunAsync(app, 2026, 10);

        using var assessor = await ApiClient.SignInAsync(app, "assessor");
        var json = await ApiClient.EnsureAsync(await assessor.Http.GetAsync("/api/v1/statistics/monthly?year=2026&month=10"), HttpStatusCode.OK);
        var general = json.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("departmentId").GetInt32() == s.Departments["综合股"]);
        Assert.Equal(2, general.GetProperty("published").GetInt32()); // the existing fields stay
        Assert.Equal((4, 2, 1, 2, 133.0), (general.GetProperty("messagesReceived").GetInt32(), general.GetProperty("messagesAnswered").GetInt32(),
            general.GetProperty("messagesAnsweredOnTime").GetInt32(), general.GetProperty("messagesLate").GetInt32(), general.GetProperty("medianReplyHours").GetDouble()));
        var quiet = json.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("departmentId").GetInt32() == s.Departments["办公室"]);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, quiet.GetProperty("medianReplyHours").ValueKind);

        var response = await assessor.Http.GetAsync("/api/v1/statistics/monthly.xlsx?year=2026&month=10");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        using var document = SpreadsheetDocument.Open(stream, false);
        var workbook = document.WorkbookPart!;
        var sheet = workbook.Workbook.Sheets!.Elements<Sheet>().First();
        var rows = ((WorksheetPart)workbook.GetPartById(sheet.Id!)).Worksheet.GetFirstChild<SheetData>()!
            .Elements<Row>().Select(r => r.Elements<Cell>().ToList()).ToList();
        var row = rows.Single(r => Text(r[0]) == "综合股");
        string Value(string header) => row[rows[0].FindIndex(c => Text(c) == header)].CellValue!.Text;
        Assert.Equal(("4", "2", "1", "2", "133"), (Value("收到留言"), Value("已答复留言"), Value("按时答复"), Value("逾期答复"), Value("答复时长中位数（小时）")));
        Assert.Equal(CellValues.Number, row[rows[0].FindIndex(c => Text(c) == "逾期答复")].DataType!.Value);

        // The dashboard shows the columns and their legend.
        await using var ctx = await ComponentTestContext.CreateAsync(app, "assessor");
        var cut = ctx.Render<StatisticsDashboard>();
        var month = cut.FindComponents<MudSelect<string>>().Single();
        await cut.InvokeAsync(() => month.Instance.ValueChanged.InvokeAsync("2026-10"));
        cut.WaitForAssertion(() => Assert.Equal(4, cut.FindAll("[data-test=statistics-table] tbody tr").Count));
        Assert.Contains("逾期答复", cut.Find("[data-test=statistics-table] thead").TextContent, StringComparison.Ordinal);
        var line = cut.FindAll("[data-test=statistics-table] tbody tr").Single(r => r.TextContent.Contains("综合股", StringComparison.Ordinal));
        Assert.Equal(("4", "2", "1", "2", "133"), (line.QuerySelector("[data-test=messages-received]")!.TextContent.Trim(), line.QuerySelector("[data-test=messages-answered]")!.TextContent.Trim(),
            line.QuerySelector("[data-test=messages-on-time]")!.TextContent.Trim(), line.QuerySelector("[data-test=messages-late]")!.TextContent.Trim(),
            line.QuerySelector("[data-test=median-reply-hours]")!.TextContent.Trim()));
        var office = cut.FindAll("[data-test=statistics-table] tbody tr").Single(r => r.QuerySelector("td")!.TextContent.Trim() == "办公室"); // not "办公室主任" in a step line
        Assert.Equal("—", office.QuerySelector("[data-test=median-reply-hours]")!.TextContent.Trim());
        Assert.Contains("逾期", cut.Find("[data-test=messages-legend]").TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Assessment_LateReplyRule_SubtractsTheConfiguredPointsPerLateReply(string provider)
    {
        // Only the reply rules score here, so each total is the rule's own arithmetic.
        await using var app = await PortalFactory.CreateAsync(provider, f => f
            .With("Assessment:Points:Published", "0").With("Assessment:Points:Timely", "0").With("Assessment:Points:UsedByHigherAuthorities", "0")
            .With("Assessment:Points:Returned", "0").With("Assessment:Points:TakenDown", "0")
            .With("Assessment:Points:LateReply", "-3").With("Assessment:Points:OnTimeReply", "0.5"));
        var s = await StatisticsScenario.SeedAsync(app);
        await StatisticsScenario.SeedMessagesAsync(app);
        using var scope = app.Services.CreateScope();
        var service = scope.ServiceProvider.GetRequiredService<AssessmentService>();
        var assessor = await StatisticsScenario.ActorOfAsync(app, "assessor");
        await service.ComputeAsync(assessor, 2026);

        var report = (await service.GetAsync(assessor, 2026))!;
        Assert.Equal((-3m, 0.5m), (report.Points.LateReply, report.Points.OnTimeReply));
        Assert.Empty(report.PendingRules); // the stale-column rule is scored too (ADR 0051)
        var general = report.Rows.Single(r => r.DepartmentId == s.Departments["综合股"]);
        // Judged on the run day (after 4 November 2026): 综合股 late M0 M2 M3 M4 (M0's and M4's deadlines passed after their
        // months ended — the monthly snapshots do not count them), on time M1: 4 × −3 + 1 × 0.5 = −11.5.
        Assert.Equal((4, 1, -11.5m), (general.LateReplies, general.OnTimeReplies, general.ComputedPoints));
        var drugs = report.Rows.Single(r => r.DepartmentId == s.Departments["药品监管股"]);
        Assert.Equal((0, 3, 1.5m), (drugs.LateReplies, drugs.OnTimeReplies, drugs.ComputedPoints));
        Assert.Equal("药品监管股", report.Rows[0].DepartmentName);

        // The assessment page shows the late replies in the breakdown.
        await using var ctx = await ComponentTestContext.CreateAsync(app, "assessor");
        var cut = ctx.Render<AssessmentPage>();
        var year = cut.FindComponent<MudSelect<int>>();
        await cut.InvokeAsync(() => year.Instance.ValueChanged.InvokeAsync(2026));
        cut.WaitForAssertion(() => Assert.Contains("逾期答复", cut.Find("[data-test=assessment-table] thead").TextContent, StringComparison.Ordinal));
        var line = cut.FindAll("[data-test=assessment-table] tbody tr").Single(r => r.TextContent.Contains("综合股", StringComparison.Ordinal));
        Assert.Equal("4", line.QuerySelector("[data-test=late-replies]")!.TextContent.Trim());
    }

    [Fact]
    public async Task Bulletin_ShowsEachDepartmentsMessagesReceivedAndLate()
    {
        await using var app = new PortalFactory();
        var s = await StatisticsScenario.SeedAsync(app);
        await StatisticsScenario.SeedMessagesAsync(app);
        using var scope = app.Services.CreateScope();
        var report = await scope.ServiceProvider.GetRequiredService<QuarterlyBulletinJob>().RunAsync(2026, 4);
        // October's snapshot (judged on 31 October): 综合股 4 received, 2 late; 药品监管股 3, 0. No messages in November.
        var general = report.Departments.Single(d => d.DepartmentId == s.Departments["综合股"]);
        Assert.Equal((4, 2), (general.MessagesReceived, general.MessagesLate));
        var drugs = report.Departments.Single(d => d.DepartmentId == s.Departments["药品监管股"]);
        Assert.Equal((3, 0), (drugs.MessagesReceived, drugs.MessagesLate));
    }

    private static async Task<int> CountAsync(PortalFactory app)
    {
        await using var db = app.CreateDbContext();
        return await db.MonthlyStatistics.CountAsync(r => r.Year == 2026 && r.Month == 10);
    }

    private static string Text(Cell cell) => cell.InlineString?.Text?.Text ?? cell.CellValue?.Text ?? "";
}
