using Bunit;
using InfoPortal.Features.Statistics;
using InfoPortal.Features.Statistics.Pages;
using InfoPortal.Tests.Features.Statistics;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace InfoPortal.Tests.Components;

/// <summary>
/// bUnit tests of /office/statistics against the real services on a fresh SQLite database with
/// the hand-checked October 2026 of <see cref="StatisticsScenario"/> computed.
/// </summary>
public sealed class StatisticsDashboardTests(StatisticsDashboardTests.Fixture app) : IClassFixture<StatisticsDashboardTests.Fixture>
{
    public sealed class Fixture : PortalFactory, IAsyncLifetime
    {
        public StatisticsScenario Scenario { get; private set; } = default!;

        public async Task InitializeAsync()
        {
            Scenario = await StatisticsScenario.SeedAsync(this);
            await MonthlyStatisticsTests.RunAsync(this, 2026, 10);
        }

        Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;
    }

    [Fact]
    public async Task StaleColumns_FromTheGovernanceReport_HeadsSeeTheirOwn()
    {
        // 学习园地 (综合股's) opened 100 days ago with nothing in it: stale by the default 30 days.
        await using (var db = app.CreateDbContext())
        {
            await db.Columns.Where(c => c.Name == "学习园地").ExecuteUpdateAsync(s => s.SetProperty(c => c.CreatedAt, DateTimeOffset.UtcNow.AddDays(-100)));
        }

        await using var ctx = await ComponentTestContext.CreateAsync(app, "assessor");
        var cut = ctx.Render<StatisticsDashboard>();
        cut.WaitForAssertion(() => Assert.Contains("学习园地", cut.Find("[data-test=stale-columns]").TextContent, StringComparison.Ordinal));
        var row = cut.FindAll("[data-test=stale-columns] tbody tr").Single(r => r.TextContent.Contains("学习园地", StringComparison.Ordinal));
        Assert.Contains("综合股", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("100", row.TextContent, StringComparison.Ordinal);

        // The head of 药品监管股 sees only his department's stale columns, so not 学习园地.
        await using var headCtx = await ComponentTestContext.CreateAsync(app, "depthead2");
        var head = headCtx.Render<StatisticsDashboard>();
        head.WaitForAssertion(() => Assert.NotNull(head.Find("[data-test=stale-columns]")));
        Assert.DoesNotContain("学习园地", head.Find("[data-test=stale-columns]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pickers_ChangeTheShownData_AndChartsMatchTheSnapshot()
    {
        await using var ctx = await ComponentTestContext.CreateAsync(app, "assessor");
        var cut = ctx.Render<StatisticsDashboard>();
        var month = cut.FindComponents<MudSelect<string>>().Single();
        await cut.InvokeAsync(() => month.Instance.ValueChanged.InvokeAsync("2026-10"));
        cut.WaitForAssertion(() => Assert.Equal(4, cut.FindAll("[data-test=statistics-table] tbody tr").Count));
        var rows = cut.FindAll("[data-test=statistics-table] tbody tr");
        var medical = rows.Single(r => r.TextContent.Contains("药品监管股", StringComparison.Ordinal));
        Assert.Equal("1", medical.QuerySelector("[data-test=published]")!.TextContent.Trim());
        Assert.Contains("100%", medical.TextContent, StringComparison.Ordinal);
        Assert.Contains("部门负责人：中位数 7 小时", rows.Single(r => r.TextContent.Contains("综合股", StringComparison.Ordinal)).TextContent, StringComparison.Ordinal);

        // Charts: the trend ends with October's total (2 + 1 published), the comparison holds each department's figure.
        var charts = cut.FindComponents<MudChart<double>>();
        var published = charts.Single(c => c.Instance.ChartType == ChartType.Line && c.Instance.ChartLabels.Length == 12 && c.Instance.ChartSeries[0].Name == "发布");
        Assert.Equal("2026-10", published.Instance.ChartLabels[^1]);
        Assert.Equal(3.0, published.Instance.ChartSeries[0].Data.Values[^1]);
        Assert.Equal(0.0, published.Instance.ChartSeries[0].Data.Values[^2]);
        var timeliness = charts.Single(c => c.Instance.ChartType == ChartType.Line && c.Instance.ChartSeries[0].Name == "及时率");
        Assert.Equal(66.7, timeliness.Instance.ChartSeries[0].Data.Values[^1]);
        var comparison = charts.Single(c => c.Instance.ChartType == ChartType.Bar);
        var index = Array.IndexOf(comparison.Instance.ChartLabels, "综合股");
        Assert.Equal(2.0, comparison.Instance.ChartSeries[0].Data.Values[index]);
        Assert.Equal(1.0, comparison.Instance.ChartSeries[1].Data.Values[index]);
        Assert.Contains("year=2026&month=10", cut.Find("[data-test=export-xlsx]").GetAttribute("href"), StringComparison.Ordinal);

        // Department picker: only 综合股 remains, and the trend follows it.
        var department = cut.FindComponents<MudSelect<int?>>().Single();
        await cut.InvokeAsync(() => department.Instance.ValueChanged.InvokeAsync(app.Scenario.Departments["综合股"]));
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-test=statistics-table] tbody tr")));
        Assert.Contains("综合股", cut.Find("[data-test=statistics-table] tbody tr").TextContent, StringComparison.Ordinal);
        published = cut.FindComponents<MudChart<double>>().First(c => c.Instance.ChartType == ChartType.Line);
        Assert.Equal(2.0, published.Instance.ChartSeries[0].Data.Values[^1]);
        Assert.Contains($"departmentId={app.Scenario.Departments["综合股"]}", cut.Find("[data-test=export-xlsx]").GetAttribute("href"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmptyMonth_ShowsMessage_AssessorCanComputeIt()
    {
        await using var ctx = await ComponentTestContext.CreateAsync(app, "assessor");
        var cut = ctx.Render<StatisticsDashboard>();
        var month = cut.FindComponents<MudSelect<string>>().Single();
        await cut.InvokeAsync(() => month.Instance.ValueChanged.InvokeAsync("2026-09"));
        cut.WaitForAssertion(() => Assert.Contains("2026-09 尚无统计数据。", cut.Find("[data-test=empty-month]").TextContent, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("[data-test=statistics-table]"));

        await cut.InvokeAsync(() => cut.Find("[data-test=compute-now]").Click());
        cut.WaitForAssertion(() => Assert.Equal(4, cut.FindAll("[data-test=statistics-table] tbody tr").Count));
        Assert.Empty(cut.FindAll("[data-test=empty-month]"));
    }

    [Fact]
    public async Task DeptHead_SeesOwnDepartmentOnly_AndNoComputeButton()
    {
        await using var ctx = await ComponentTestContext.CreateAsync(app, "depthead2");
        var cut = ctx.Render<StatisticsDashboard>();
        var month = cut.FindComponents<MudSelect<string>>().Single();
        await cut.InvokeAsync(() => month.Instance.ValueChanged.InvokeAsync("2026-10"));
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-test=statistics-table] tbody tr")));
        Assert.Contains("药品监管股", cut.Find("[data-test=statistics-table] tbody tr").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindComponents<MudSelect<int?>>());
        Assert.Empty(cut.FindAll("[data-test=recompute]"));

        await cut.InvokeAsync(() => month.Instance.ValueChanged.InvokeAsync("2026-08"));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-test=empty-month]")));
        Assert.Empty(cut.FindAll("[data-test=compute-now]"));
    }
}
