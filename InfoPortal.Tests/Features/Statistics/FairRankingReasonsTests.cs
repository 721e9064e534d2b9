using InfoPortal.Features.Columns.Governance;
using InfoPortal.Features.Statistics;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig;

namespace InfoPortal.Tests.Features.Statistics;

/// <summary>
/// Issue 11 item 4 (ADR 0051): the stale-column rule is scored (§1 第十六条), the reason is printed
/// beside every listed department and person, and officers appear in the assessment as individuals.
/// </summary>
public sealed class FairRankingReasonsTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task StaleColumns_AreScoredOncePerSpell_ReasonsAndIndividualsArePrinted(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider, f => f.With("Assessment:Points:StaleColumn", "-3"));
        var s = await StatisticsScenario.SeedAsync(app);
        await using (var db = app.CreateDbContext())
        {
            // Column X (kept by 综合股) went stale twice in 2026: one spell noticed on two days counts once.
            var since1 = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
            var since2 = new DateTimeOffset(2026, 8, 1, 0, 0, 0, TimeSpan.Zero);
            var general = s.Departments["综合股"];
            db.StaleColumnNotices.AddRange(
                new StaleColumnNotice { ColumnId = s.ColumnX, Day = new DateOnly(2026, 4, 1), DepartmentId = general, StaleSince = since1 },
                new StaleColumnNotice { ColumnId = s.ColumnX, Day = new DateOnly(2026, 4, 2), DepartmentId = general, StaleSince = since1 },
                new StaleColumnNotice { ColumnId = s.ColumnX, Day = new DateOnly(2026, 9, 1), DepartmentId = general, StaleSince = since2 },
                // 2025 is another year.
                new StaleColumnNotice { ColumnId = s.ColumnY, Day = new DateOnly(2025, 12, 30), DepartmentId = general, StaleSince = since1.AddYears(-1) });
            await db.SaveChangesAsync();
        }

        using var scope = app.Services.CreateScope();
        var service = scope.ServiceProvider.GetRequiredService<AssessmentService>();
        var assessor = await app.ActorAsync("assessor");
        await service.ComputeAsync(assessor, 2026);
        var report = (await service.GetAsync(assessor, 2026))!;
        Assert.Empty(report.PendingRules);
        var row = report.Rows.Single(r => r.DepartmentName == "综合股");
        Assert.Equal(2, row.StaleColumns);
        var without = report.Rows.Single(r => r.DepartmentName == "药品监管股");
        Assert.Equal(0, without.StaleColumns);
        // Default points otherwise: 2 published + 1 timely × 0.5 − 1 return = 1.5, then 2 stale spells × −3 = −4.5.
        Assert.Equal(-4.5m, row.ComputedPoints);

        // The PDF prints the rule, the column, every listed department with its reason, and the individuals.
        var pdf = scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Localization.IStringLocalizer<InfoPortal.SharedResource>>();
        var text = StatisticsPdfTests.PdfText(InfoPortal.Infrastructure.Pdf.PdfComposer.Render(
            AssessmentPdf.Build(report, pdf, scope.ServiceProvider.GetRequiredService<InfoPortal.Infrastructure.AgencyClock>()), DateTimeOffset.UtcNow).Bytes);
        Assert.Contains("栏目长期未更新", text);
        Assert.DoesNotContain("待接入", text);
        foreach (var listed in report.CommendedRows.Concat(report.CriticisedRows))
        {
            Assert.Contains($"{listed.DepartmentName}：排名第{listed.Rank}", text);
        }

        Assert.Contains("个人", text);
        foreach (var person in report.Individuals)
        {
            Assert.Contains(person.Name, text);
        }
    }

    [Fact]
    public void AllZeroIndividuals_CommendNobody_TiesShareARank()
    {
        var rows = new[] { ("甲", 0m, 0), ("乙", 0m, 0), ("丙", 0m, 0) };
        var nobody = FairRanking.Rank(rows, r => r.Item2, r => r.Item3 >= 1, 1, 0);
        Assert.Empty(nobody.Best);
        Assert.Equal([1, 1, 1], nobody.Ranks);

        var tied = new[] { ("甲", 3m, 2), ("乙", 3m, 3), ("丙", 1m, 1) };
        var top = FairRanking.Rank(tied, r => r.Item2, r => r.Item3 >= 1, 1, 0);
        Assert.Equal(["甲", "乙"], top.Best.Select(r => r.Item1)); // a tie at the top is named as a tie
        Assert.Equal([1, 1, 3], top.Ranks);
    }
}
