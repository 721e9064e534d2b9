using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DocumentFormat.OpenXml.Packaging;
using InfoPortal.Features.Monitoring;
using InfoPortal.Infrastructure;
using InfoPortal.Infrastructure.Jobs;
using InfoPortal.Tests.Features.Statistics;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Features.Monitoring;

/// <summary>
/// The quarterly 网上发布信息保密管理情况 report (保密制度 七(二)、八(四)、九(三); issue 14 item 7,
/// ADR 0050): blocks, every override with who approved it, secrecy reviews, takedowns; as JSON, .xlsx
/// and PDF; for the secrecy group and leaders only; the quarterly job tells them once.
/// </summary>
public sealed class SecrecyReportTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task QuarterReport_CountsBlocks_NamesWhoApprovedEachOverride_ListsTakedowns_InEveryFormat(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var today = app.Services.GetRequiredService<AgencyClock>().Today;
        var (year, quarter) = (today.Year, ((today.Month - 1) / 3) + 1);
        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var secrecy = await ApiClient.SignInAsync(app, "secrecy");
        using var publisher = await ApiClient.SignInAsync(app, "publisher");

        // The 保密员's list names a project code; an item with it is blocked once, then let through with a reason.
        var created = await ApiClient.EnsureAsync(await secrecy.Http.PostAsJsonAsync("/api/v1/screening/lists", new { name = "项目代号", category = "Sensitive" }), HttpStatusCode.Created);
        using (var words = new StringContent("星火工程\n", System.Text.Encoding.UTF8, "text/plain"))
        {
            await ApiClient.EnsureAsync(await secrecy.Http.PostAsync($"/api/v1/screening/lists/{created.GetProperty("id").GetInt32()}/import?format=text&category=Sensitive&level=Block", words), HttpStatusCode.OK);
        }

        var id = await officer.DraftAsync("星火工程年度进展", body: "<p>星火工程为科技部公开项目名称。</p>");
        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), (HttpStatusCode)422);
        await ApiClient.EnsureAsync(await officer.Http.PostAsJsonAsync($"/api/v1/requests/{id}/submit",
            new { overrides = new[] { new { term = "星火工程", reason = "公开的国家科技计划名称。" } } }), HttpStatusCode.OK);
        using (var depthead = await ApiClient.SignInAsync(app, "depthead"))
        {
            await ApiClient.EnsureAsync(await depthead.ApproveAsync(id), HttpStatusCode.OK);
        }

        await ApiClient.EnsureAsync(await secrecy.ApproveAsync(id, "经核，不涉密。"), HttpStatusCode.OK);
        await ApiClient.ApproveRemainingAsync(app, id, secrecy);
        await ApiClient.EnsureAsync(await publisher.PublishAsync(id), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await publisher.TakeDownAsync(id, "数据口径有误，停止发布"), HttpStatusCode.OK);

        var query = $"year={year}&quarter={quarter}";
        var report = await secrecy.Http.GetFromJsonAsync<JsonElement>($"/api/v1/monitoring/secrecy-report?{query}");
        Assert.True(report.GetProperty("itemsScreened").GetInt32() >= 1);
        Assert.Equal(1, report.GetProperty("submissionsBlocked").GetInt32());
        var line = Assert.Single(report.GetProperty("overrides").EnumerateArray());
        Assert.Equal(("星火工程", "冯保密", "SecrecyOfficer"), (line.GetProperty("term").GetString(), line.GetProperty("approvedBy").GetString(), line.GetProperty("approvedRole").GetString()));
        Assert.Equal(1, report.GetProperty("secrecyReviews").GetInt32());
        Assert.Equal("数据口径有误，停止发布", Assert.Single(report.GetProperty("takedowns").EnumerateArray()).GetProperty("reason").GetString());

        var pdf = StatisticsPdfTests.PdfText(await secrecy.Http.GetByteArrayAsync($"/api/v1/monitoring/secrecy-report.pdf?{query}"));
        Assert.Contains($"{year}年第{quarter}季度网上发布信息保密管理情况", pdf);
        Assert.Contains("星火工程", pdf);
        Assert.Contains("冯保密（保密员）", pdf);
        Assert.Contains("数据口径有误", pdf);

        using (var leader = await ApiClient.SignInAsync(app, "leader"))
        {
            var xlsx = await leader.Http.GetByteArrayAsync($"/api/v1/monitoring/secrecy-report.xlsx?{query}");
            using var workbook = SpreadsheetDocument.Open(new MemoryStream(xlsx), false);
            var sheets = workbook.WorkbookPart!.Workbook.Sheets!.Elements<DocumentFormat.OpenXml.Spreadsheet.Sheet>().Select(s => s.Name!.Value).ToList();
            Assert.Equal(["总体情况", "放行及审批", "撤稿", "事件及处理"], sheets);
        }

        // Not for the officer; a quarter is 1–4.
        await ApiClient.EnsureAsync(await officer.Http.GetAsync($"/api/v1/monitoring/secrecy-report?{query}"), HttpStatusCode.Forbidden);
        await ApiClient.EnsureAsync(await secrecy.Http.GetAsync($"/api/v1/monitoring/secrecy-report?year={year}&quarter=5"), HttpStatusCode.BadRequest);

        // The quarterly job tells the secrecy officers and leaders once, however often it runs.
        using (var scope = app.Services.CreateScope())
        {
            var job = scope.ServiceProvider.GetServices<PeriodicJob>().OfType<SecrecyReportPeriodicJob>().Single();
            var period = JobPeriod.Containing(PeriodKind.Quarter, today.ToDateTime(TimeOnly.MinValue));
            await job.RunAsync(period, CancellationToken.None);
            await job.RunAsync(period, CancellationToken.None);
        }

        await using var db = app.CreateDbContext();
        var secrecyId = await db.Users.Where(u => u.UserName == "secrecy").Select(u => u.Id).SingleAsync();
        Assert.Equal(1, await db.Notifications.CountAsync(n => n.UserId == secrecyId && n.Kind == SecrecyReportPeriodicJob.ReadyKind));
    }
}
