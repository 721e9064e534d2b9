using System.Net;
using System.Net.Http.Json;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Statistics;
using InfoPortal.Infrastructure;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Features.Statistics;

/// <summary>
/// 办法 第五章 第一条: the 局网络管理员 (the web administrator, Publisher) counts every month,
/// issues the quarterly 通报 and runs the year-end 考核、评比. The Publisher reads and runs all
/// three, through the services, the API and the pages; an officer still may not.
/// </summary>
public sealed class PublisherCountsTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Publisher_RunsMonthlyStatistics_Bulletin_AndAssessment(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var s = await StatisticsScenario.SeedAsync(app);
        var publisher = await ActorAsync(app, "publisher");
        var officer = await ActorAsync(app, "officer");

        using (var scope = app.Services.CreateScope())
        {
            var statistics = scope.ServiceProvider.GetRequiredService<StatisticsService>();
            await Assert.ThrowsAsync<ForbiddenException>(() => statistics.ComputeAsync(officer, 2026, 10));
            await statistics.ComputeAsync(publisher, 2026, 10);
            var month = await statistics.GetMonthAsync(publisher, 2026, 10, null);
            Assert.True(month.IsComputed);
            Assert.Contains(month.Rows, d => d.DepartmentName == "综合股" && d.Published == 2);

            var bulletins = scope.ServiceProvider.GetRequiredService<BulletinService>();
            await Assert.ThrowsAsync<ForbiddenException>(() => bulletins.ComputeAsync(officer, 2026, 4));
            var bulletin = await bulletins.ComputeAsync(publisher, 2026, 4);
            Assert.Equal("药品监管股", bulletin.Departments[0].DepartmentName);

            var assessment = scope.ServiceProvider.GetRequiredService<AssessmentService>();
            await assessment.ComputeAsync(publisher, 2026);
            await assessment.AdjustAsync(publisher, 2026, s.Departments["综合股"], -1, "栏目更新不及时");
            var report = (await assessment.GetAsync(publisher, 2026))!;
            Assert.Equal(-1m, report.Rows.Single(r => r.DepartmentId == s.Departments["综合股"]).Adjustments.Single().Points);
        }

        await using (var db = app.CreateDbContext())
        {
            var publisherId = publisher.UserId;
            Assert.True(await db.AuditRecords.AnyAsync(a => a.Action == "StatisticsComputed" && a.ActorId == publisherId && a.Outcome == InfoPortal.Features.Audit.AuditOutcome.Success));
            Assert.True(await db.AuditRecords.AnyAsync(a => a.Action == "AssessmentAdjusted" && a.ActorId == publisherId));
        }

        // The API and the pages: 200 for the Publisher where an officer gets 403.
        using var api = await ApiClient.SignInAsync(app, "publisher");
        using var officerApi = await ApiClient.SignInAsync(app, "officer");
        foreach (var path in new[]
        {
            "/api/v1/statistics/monthly?year=2026&month=10", "/api/v1/statistics/monthly.xlsx?year=2026&month=10",
            "/api/v1/statistics/bulletins/2026/4", "/api/v1/statistics/assessment/2026",
        })
        {
            Assert.Equal(HttpStatusCode.OK, (await api.Http.GetAsync(path)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await officerApi.Http.GetAsync(path)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await api.Http.PostAsJsonAsync("/api/v1/statistics/assessment/2026/adjustments",
            new { departmentId = s.Departments["药品监管股"], points = 2, reason = "被上级采用" })).StatusCode);

        using var browser = app.CreatePortalClient();
        await browser.SignInAsync("publisher");
        foreach (var page in new[] { "/office/statistics", "/office/bulletins", "/office/assessment" })
        {
            var response = await browser.GetAsync(page);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var html = await response.Content.ReadAsStringAsync();
            // The menu reaches all three pages from every page.
            Assert.Contains("href=\"/office/statistics\"", html, StringComparison.Ordinal);
            Assert.Contains("href=\"/office/assessment\"", html, StringComparison.Ordinal);
        }
    }

    internal static Task<Actor> ActorAsync(PortalFactory app, string userName) => app.ActorAsync(userName);
}
