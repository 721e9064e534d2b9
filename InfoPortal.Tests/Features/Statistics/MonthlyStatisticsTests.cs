using System.Net;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Statistics;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Features.Statistics;

public sealed class MonthlyStatisticsTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task RunAsync_SeededOctober_MatchesHandComputedFigures(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var s = await StatisticsScenario.SeedAsync(app);
        await RunAsync(app, 2026, 10);

        await using var db = app.CreateDbContext();
        var rows = await db.MonthlyStatistics.Where(r => r.Year == 2026 && r.Month == 10).ToListAsync();
        var a = rows.Single(r => r.DepartmentId == s.Departments["综合股"] && r.ColumnId == 0);
        // drafted A1 A2 A3; submitted (latest) A1 A2 A4; approved A1 A2; returned A2 once; published A1 A2, timely A2 only; overdue: A2's 72 h step.
        Assert.Equal((3, 3, 2, 1, 2, 1, 0, 1), (a.Drafted, a.Submitted, a.Approved, a.Returned, a.Published, a.Timely, a.TakenDown, a.OverdueSteps));
        Assert.Equal(0.5, a.TimelinessRate);
        var b = rows.Single(r => r.DepartmentId == s.Departments["药品监管股"] && r.ColumnId == 0);
        // drafted B1 B2; submitted B1 B2; approved B1 B2; published B1 only (B2 is November), timely on the 10th day; B1 taken down.
        Assert.Equal((2, 2, 2, 0, 1, 1, 1, 0), (b.Drafted, b.Submitted, b.Approved, b.Returned, b.Published, b.Timely, b.TakenDown, b.OverdueSteps));
        Assert.Equal(1.0, b.TimelinessRate);
        foreach (var quiet in new[] { "办公室", "医疗器械股" })
        {
            var q = rows.Single(r => r.DepartmentId == s.Departments[quiet] && r.ColumnId == 0);
            Assert.Equal(0, q.Drafted + q.Submitted + q.Published + q.Returned);
            Assert.Null(q.TimelinessRate);
        }

        // Column rows: B1 counts in both of its columns.
        var by = rows.Single(r => r.DepartmentId == s.Departments["药品监管股"] && r.ColumnId == s.ColumnY);
        Assert.Equal((1, 1, 1), (by.Published, by.Timely, by.TakenDown));
        var ax = rows.Single(r => r.DepartmentId == s.Departments["综合股"] && r.ColumnId == s.ColumnX);
        Assert.Equal((3, 2, 1, 1), (ax.Drafted, ax.Published, ax.Timely, ax.OverdueSteps));

        var steps = await db.MonthlyStepStatistics.Where(r => r.Year == 2026 && r.Month == 10).ToListAsync();
        var aHead = steps.Single(t => t.DepartmentId == s.Departments["综合股"] && t.Role == Roles.DeptHead);
        // DeptHead of 综合股: 2, 4, 10, 72 h → median (4+10)/2 = 7; p90 at rank 2.7 → 10 + 0.7 × 62 = 53.4.
        Assert.Equal(4, aHead.Decisions);
        Assert.Equal(7.0, aHead.MedianHours, 6);
        Assert.Equal(53.4, aHead.P90Hours, 6);
        Assert.Equal(1, aHead.OverdueSteps);
        var aDirector = steps.Single(t => t.DepartmentId == s.Departments["综合股"] && t.Role == Roles.OfficeDirector);
        // 8 and 20 h → median 14, p90 8 + 0.9 × 12 = 18.8.
        Assert.Equal((2, 14.0, 18.8), (aDirector.Decisions, Math.Round(aDirector.MedianHours, 6), Math.Round(aDirector.P90Hours, 6)));
        var bDirector = steps.Single(t => t.DepartmentId == s.Departments["药品监管股"] && t.Role == Roles.OfficeDirector);
        // 1 and 23 h → median 12, p90 1 + 0.9 × 22 = 20.8.
        Assert.Equal((2, 12.0, 20.8), (bDirector.Decisions, Math.Round(bDirector.MedianHours, 6), Math.Round(bDirector.P90Hours, 6)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task RunAsync_PublishedAt1730UtcOn31October_CountsInShanghaiNovember(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var s = await StatisticsScenario.SeedAsync(app);
        await RunAsync(app, 2026, 11);
        await using var db = app.CreateDbContext();
        var b = await db.MonthlyStatistics.SingleAsync(r => r.Year == 2026 && r.Month == 11 && r.DepartmentId == s.Departments["药品监管股"] && r.ColumnId == 0);
        Assert.Equal((0, 1, 1), (b.Drafted, b.Published, b.Timely));
    }

    [Fact]
    public async Task RunAsync_UtcTimeZone_Puts31October1730InOctober()
    {
        await using var app = new PortalFactory().With("Jobs:TimeZone", "UTC");
        var s = await StatisticsScenario.SeedAsync(app);
        await RunAsync(app, 2026, 10);
        await using var db = app.CreateDbContext();
        var b = await db.MonthlyStatistics.SingleAsync(r => r.Year == 2026 && r.Month == 10 && r.DepartmentId == s.Departments["药品监管股"] && r.ColumnId == 0);
        Assert.Equal(2, b.Published);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task RunAsync_Rerun_LeavesOneSetWithTheNewValues(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var s = await StatisticsScenario.SeedAsync(app);
        await RunAsync(app, 2026, 10);
        int before;
        await using (var db = app.CreateDbContext())
        {
            before = await db.MonthlyStatistics.CountAsync(r => r.Year == 2026 && r.Month == 10);
            // A1 is taken down on 25 October after the first run.
            var a1 = s.Requests["A1"];
            var at = StatisticsScenario.Utc("2026-10-25T00:00:00Z");
            await db.Requests.Where(r => r.Id == a1).ExecuteUpdateAsync(u => u.SetProperty(r => r.TakenDownAt, at));
        }

        await RunAsync(app, 2026, 10);
        await using var check = app.CreateDbContext();
        Assert.Equal(before, await check.MonthlyStatistics.CountAsync(r => r.Year == 2026 && r.Month == 10));
        Assert.Equal(1, await check.MonthlyStatisticsRuns.CountAsync(r => r.Year == 2026 && r.Month == 10));
        var a = await check.MonthlyStatistics.SingleAsync(r => r.Year == 2026 && r.Month == 10 && r.DepartmentId == s.Departments["综合股"] && r.ColumnId == 0);
        Assert.Equal(1, a.TakenDown);
        Assert.Equal(6, await check.MonthlyStepStatistics.CountAsync(r => r.Year == 2026 && r.Month == 10)); // 2 departments × 部门负责人, 办公室主任, 分管领导 (ADR 0045)
    }

    [Fact]
    public async Task Api_MonthlyStatistics_AssessorGetsRows_OfficerForbidden_BadMonth400()
    {
        await using var app = new PortalFactory();
        var s = await StatisticsScenario.SeedAsync(app);
        await RunAsync(app, 2026, 10);

        using var assessor = await ApiClient.SignInAsync(app, "assessor");
        var json = await ApiClient.EnsureAsync(await assessor.Http.GetAsync("/api/v1/statistics/monthly?year=2026&month=10"), HttpStatusCode.OK);
        var rows = json.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(4, rows.Count);
        var b = rows.Single(r => r.GetProperty("departmentId").GetInt32() == s.Departments["药品监管股"]);
        Assert.Equal(1, b.GetProperty("published").GetInt32());
        Assert.Equal(1, b.GetProperty("takenDown").GetInt32());

        using var officer = await ApiClient.SignInAsync(app, "officer");
        var forbidden = await officer.Http.GetAsync("/api/v1/statistics/monthly?year=2026&month=10");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("application/problem+json", forbidden.Content.Headers.ContentType?.MediaType);

        var bad = await assessor.Http.GetAsync("/api/v1/statistics/monthly?year=2026&month=13");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);

        // A department head sees only their own department.
        using var head = await ApiClient.SignInAsync(app, "depthead");
        var own = await ApiClient.EnsureAsync(await head.Http.GetAsync("/api/v1/statistics/monthly?year=2026&month=10"), HttpStatusCode.OK);
        Assert.Equal([s.Departments["综合股"]], own.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("departmentId").GetInt32()));
        Assert.Equal(HttpStatusCode.Forbidden, (await head.Http.GetAsync($"/api/v1/statistics/monthly?year=2026&month=10&departmentId={s.Departments["药品监管股"]}")).StatusCode);
    }

    internal static async Task RunAsync(PortalFactory app, int year, int month)
    {
        using var scope = app.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<MonthlyStatisticsJob>().RunAsync(year, month);
    }
}
