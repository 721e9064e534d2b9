using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Statistics;
using InfoPortal.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Features.Statistics;

/// <summary>ADR 0026: no names from an empty period or from ties, a minimum of activity, ties shown as ties.</summary>
public sealed class FairRankingTests
{
    private sealed record Dept(string Name, int Published);

    private static FairRanking.Result<Dept> Rank(params Dept[] ordered) =>
        FairRanking.Rank(ordered, d => d.Published, d => d.Published > 0, bestGroups: 1, laggingGroups: 1);

    [Fact]
    public void AllZero_NamesNobody_AndEveryoneSharesRankOne()
    {
        var result = Rank(new("办公室", 0), new("综合股", 0), new("药品监管股", 0), new("医疗器械股", 0));
        Assert.Equal([1, 1, 1, 1], result.Ranks);
        Assert.Empty(result.Best);
        Assert.Empty(result.Lagging);
    }

    [Fact]
    public void TieAtTheTop_IsNamedAsATie_AndTheInactiveAreNotLagging()
    {
        var result = Rank(new("综合股", 2), new("药品监管股", 2), new("办公室", 1), new("医疗器械股", 0));
        Assert.Equal([1, 1, 3, 4], result.Ranks);
        Assert.Equal(["综合股", "药品监管股"], result.Best.Select(d => d.Name));
        Assert.Equal(["办公室"], result.Lagging.Select(d => d.Name));
    }

    [Fact]
    public void OnlyOneActiveDepartment_IsNeitherBestNorLagging()
    {
        var result = Rank(new("综合股", 3), new("办公室", 0), new("医疗器械股", 0));
        Assert.Equal([1, 2, 2], result.Ranks);
        Assert.Empty(result.Best);
        Assert.Empty(result.Lagging);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task EmptyQuarterAndYear_BulletinAndAssessment_NameNobody(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        using var scope = app.Services.CreateScope();
        var bulletin = await scope.ServiceProvider.GetRequiredService<QuarterlyBulletinJob>().RunAsync(2026, 1);
        Assert.NotEmpty(bulletin.Departments);
        Assert.All(bulletin.Departments, d => Assert.Equal(1, d.Rank));
        Assert.Empty(bulletin.Best);
        Assert.Empty(bulletin.Lagging);

        await using var db = app.CreateDbContext();
        var assessorUser = db.Users.Single(u => u.UserName == "assessor");
        var assessor = new Actor(assessorUser.Id, "assessor", assessorUser.DisplayName, assessorUser.DepartmentId, new HashSet<string>(StringComparer.Ordinal) { Roles.Assessor }, null);
        var assessment = scope.ServiceProvider.GetRequiredService<AssessmentService>();
        await assessment.ComputeAsync(assessor, 2025);
        var report = (await assessment.GetAsync(assessor, 2025))!;
        Assert.NotEmpty(report.Rows);
        Assert.All(report.Rows, r => Assert.Equal(1, r.Rank));
        Assert.Empty(report.Commendations);
        Assert.Empty(report.Criticisms);
    }
}
