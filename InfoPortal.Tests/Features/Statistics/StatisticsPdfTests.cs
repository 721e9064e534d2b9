using System.Globalization;
using System.Net;
using Bunit;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Statistics;
using InfoPortal.Tests.Infrastructure.Pdf;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig;

namespace InfoPortal.Tests.Features.Statistics;

/// <summary>
/// The three periodic report PDFs (issue 5 parts 3–6) over the hand-checked October 2026 of
/// <see cref="StatisticsScenario"/>: the text PdfPig extracts holds the seeded figures and the
/// department names, the fonts are embedded, and the endpoints authorise like the pages.
/// </summary>
public sealed class StatisticsPdfTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task MonthlyPdf_HoldsEveryDepartmentFigure_InteractionFigures_StepTimes_AndLegend(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        await StatisticsScenario.SeedAsync(app);
        await StatisticsScenario.SeedMessagesAsync(app);
        await MonthlyStatisticsTests.RunAsync(app, 2026, 10);
        using var assessor = await ApiClient.SignInAsync(app, "assessor");

        var response = await assessor.Http.GetAsync("/api/v1/statistics/monthly.pdf?year=2026&month=10");
        var text = await PdfTextAsync(response, "statistics-2026-10.pdf");

        Assert.Contains("2026年10月网站信息发布统计月报", text, StringComparison.Ordinal);
        // Department rows, hand-checked in MonthlyStatisticsTests: drafted, submitted, approved, returned, published, timely, rate, taken down, overdue steps.
        Assert.Contains("综合股33212150%01", text, StringComparison.Ordinal);
        Assert.Contains("药品监管股222011100%10", text, StringComparison.Ordinal);
        Assert.Contains("办公室000000—00", text, StringComparison.Ordinal);
        Assert.Contains("医疗器械股000000—00", text, StringComparison.Ordinal);
        // Interaction figures (StatisticsScenario.SeedMessagesAsync): received, answered, on time, late, median reply hours.
        Assert.Contains("综合股4212133", text, StringComparison.Ordinal);
        Assert.Contains("药品监管股33301", text, StringComparison.Ordinal);
        // Step times: every step row of the report as the service computes it (the xlsx test checks 综合股's DeptHead median is 7 h).
        Assert.Contains("综合股部门负责人", text, StringComparison.Ordinal);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var report = await scope.ServiceProvider.GetRequiredService<StatisticsService>().GetMonthAsync(await ActorAsync(app, "assessor"), 2026, 10);
            var general = report.Rows.Single(r => r.DepartmentName == "综合股");
            Assert.Equal(7, general.Steps.Single(s => s.Role == Roles.DeptHead).MedianHours);
            foreach (var row in report.Rows)
            {
                foreach (var step in row.Steps)
                {
                    var expected = string.Concat(row.DepartmentName, Role(step.Role), step.Decisions.ToString(CultureInfo.InvariantCulture),
                        step.MedianHours.ToString("0.#", CultureInfo.InvariantCulture), step.P90Hours.ToString("0.#", CultureInfo.InvariantCulture), step.OverdueSteps.ToString(CultureInfo.InvariantCulture));
                    Assert.Contains(expected, text, StringComparison.Ordinal);
                }
            }
        }

        Assert.Contains("说明", text, StringComparison.Ordinal);
        Assert.Contains("及时率=及时发布数÷发布数", text, StringComparison.Ordinal);

        // Same readers as the xlsx: an officer is refused; a department head sees only his own department.
        using var officer = await ApiClient.SignInAsync(app, "officer");
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.Http.GetAsync("/api/v1/statistics/monthly.pdf?year=2026&month=10")).StatusCode);
        using var depthead = await ApiClient.SignInAsync(app, "depthead2");
        var own = await PdfTextAsync(await depthead.Http.GetAsync("/api/v1/statistics/monthly.pdf?year=2026&month=10"), "statistics-2026-10.pdf");
        Assert.Contains("药品监管股222011100%10", own, StringComparison.Ordinal);
        Assert.DoesNotContain("综合股", own, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await assessor.Http.GetAsync("/api/v1/statistics/monthly.pdf?year=2026")).StatusCode);

        // en-US readers get English labels around the same figures.
        using var english = new HttpRequestMessage(HttpMethod.Get, "/api/v1/statistics/monthly.pdf?year=2026&month=10");
        english.Headers.AcceptLanguage.ParseAdd("en-US");
        var en = await PdfTextAsync(await assessor.Http.SendAsync(english), "statistics-2026-10.pdf");
        Assert.Contains("Websitepublishingstatistics,2026-10", en, StringComparison.Ordinal);
        Assert.Contains("Notes", en, StringComparison.Ordinal);
        Assert.Contains("药品监管股222011100%10", en, StringComparison.Ordinal);

        // The dashboard's cookie link: the assessor downloads it, an officer gets 403.
        using var browser = app.CreatePortalClient();
        await browser.SignInAsync("assessor");
        Assert.Contains("综合股33212150%01", await PdfTextAsync(await browser.GetAsync("/office/statistics/report.pdf?year=2026&month=10"), "statistics-2026-10.pdf"), StringComparison.Ordinal);
        using var officerBrowser = app.CreatePortalClient();
        await officerBrowser.SignInAsync("officer");
        Assert.Equal(HttpStatusCode.Forbidden, (await officerBrowser.GetAsync("/office/statistics/report.pdf?year=2026&month=10")).StatusCode);
    }

    [Fact]
    public async Task BulletinPdf_HoldsRankingBestLaggingAndTakedownsWithReasons()
    {
        await using var app = new PortalFactory();
        var s = await StatisticsScenario.SeedAsync(app);
        BulletinReport report;
        using (var scope = app.Services.CreateScope())
        {
            report = await scope.ServiceProvider.GetRequiredService<QuarterlyBulletinJob>().RunAsync(2026, 4);
        }

        using var depthead = await ApiClient.SignInAsync(app, "depthead");
        var text = await PdfTextAsync(await depthead.Http.GetAsync("/api/v1/statistics/bulletins/2026/4.pdf"), "bulletin-2026-q4.pdf");
        Assert.Contains("2026年第4季度网站信息发布工作通报", text, StringComparison.Ordinal);
        Assert.Contains($"现将2026年第4季度（{string.Join("、", report.Months)}月）", text, StringComparison.Ordinal);
        // Rank, department, submitted, approved, returned, published, timely, rate, taken down (BulletinAndAssessmentTests has the ranking by hand).
        Assert.Contains("1药品监管股22022100%100", text, StringComparison.Ordinal);
        Assert.True(text.IndexOf("1药品监管股", StringComparison.Ordinal) < text.IndexOf("2综合股", StringComparison.Ordinal));
        Assert.True(text.IndexOf("2综合股", StringComparison.Ordinal) < text.IndexOf("3办公室", StringComparison.Ordinal));
        // 办公室 and 医疗器械股 did nothing: a tie, one rank; lagging is the last department that did something (ADR 0026).
        Assert.Contains("3医疗器械股", text, StringComparison.Ordinal);
        Assert.Contains("表现最好：药品监管股", text, StringComparison.Ordinal);
        Assert.Contains("相对落后：综合股", text, StringComparison.Ordinal);
        Assert.Contains($"统计样例B1（No.{s.Requests["B1"]}）药品监管股", text, StringComparison.Ordinal);
        Assert.Contains("信息已过时", text, StringComparison.Ordinal);

        using var officer = await ApiClient.SignInAsync(app, "officer");
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.Http.GetAsync("/api/v1/statistics/bulletins/2026/4.pdf")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await depthead.Http.GetAsync("/api/v1/statistics/bulletins/2026/3.pdf")).StatusCode);
        using var browser = app.CreatePortalClient();
        await browser.SignInAsync("assessor");
        Assert.Contains("表现最好：药品监管股", await PdfTextAsync(await browser.GetAsync("/office/bulletins/2026/4.pdf"), "bulletin-2026-q4.pdf"), StringComparison.Ordinal);

        // The bulletin page offers the download as a real link.
        await using var ctx = await ComponentTestContext.CreateAsync(app, "depthead");
        var cut = ctx.Render<InfoPortal.Features.Statistics.Pages.BulletinPage>(p => p.Add(x => x.Year, 2026).Add(x => x.Quarter, 4));
        cut.WaitForAssertion(() => Assert.Equal("/office/bulletins/2026/4.pdf", cut.Find("a[data-test=bulletin-pdf]").GetAttribute("href")));
    }

    [Fact]
    public async Task AssessmentPdf_HoldsRulesScoresAdjustmentReasonsListsAndSignatures()
    {
        await using var app = new PortalFactory()
            .With("Assessment:Points:Published", "2").With("Assessment:Points:Timely", "1").With("Assessment:Points:UsedByHigherAuthorities", "5")
            .With("Assessment:Points:Returned", "-1").With("Assessment:Points:TakenDown", "-4");
        var s = await StatisticsScenario.SeedAsync(app);
        using (var scope = app.Services.CreateScope())
        {
            var service = scope.ServiceProvider.GetRequiredService<AssessmentService>();
            await service.SetUsedByHigherAuthoritiesAsync(await ActorAsync(app, "publisher"), s.Requests["A1"], true);
            var assessor = await ActorAsync(app, "assessor");
            await service.ComputeAsync(assessor, 2026);
            await service.AdjustAsync(assessor, 2026, s.Departments["药品监管股"], 3, "专题信息质量突出");
        }

        using var leader = await ApiClient.SignInAsync(app, "leader");
        var text = await PdfTextAsync(await leader.Http.GetAsync("/api/v1/statistics/assessment/2026.pdf"), "assessment-2026.pdf");
        Assert.Contains("2026年度网站信息发布工作考核评比报告", text, StringComparison.Ordinal);
        Assert.Contains("每条发布2分，每条及时1分，每条被上级采用5分，每次退回-1分，每次停止发布-4分", text, StringComparison.Ordinal);
        // Rank, department, published, timely, used, returned, taken down, stale columns (ADR 0051), late replies, on-time replies, computed, adjusted, total.
        // 综合股: 2×2 + 1×1 + 1×5 − 1 = 9; 药品监管股: 2×2 + 2×1 − 4 = 2, +3 adjusted = 5.
        Assert.Contains("1综合股21110000909", text, StringComparison.Ordinal);
        Assert.Contains("2药品监管股22001000235", text, StringComparison.Ordinal);
        Assert.Contains("医疗器械股", text, StringComparison.Ordinal);
        Assert.Contains("药品监管股+3专题信息质量突出", text, StringComparison.Ordinal);
        Assert.Contains("表扬：综合股", text, StringComparison.Ordinal);
        // Criticism goes to the last active department, never to one that published nothing (ADR 0026).
        Assert.Contains("通报批评：药品监管股", text, StringComparison.Ordinal);
        Assert.DoesNotContain("通报批评：医疗器械股", text, StringComparison.Ordinal);
        Assert.Contains(Role(Roles.Assessor), text, StringComparison.Ordinal);
        Assert.Contains(Role(Roles.PrincipalLeader), text, StringComparison.Ordinal);

        // Same readers as the assessment page: no department heads, no officers.
        using var depthead = await ApiClient.SignInAsync(app, "depthead");
        Assert.Equal(HttpStatusCode.Forbidden, (await depthead.Http.GetAsync("/api/v1/statistics/assessment/2026.pdf")).StatusCode);
        using var officer = await ApiClient.SignInAsync(app, "officer");
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.Http.GetAsync("/api/v1/statistics/assessment/2026.pdf")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await leader.Http.GetAsync("/api/v1/statistics/assessment/2025.pdf")).StatusCode);
        using var browser = app.CreatePortalClient();
        await browser.SignInAsync("assessor");
        Assert.Contains("专题信息质量突出", await PdfTextAsync(await browser.GetAsync("/office/assessment/2026.pdf"), "assessment-2026.pdf"), StringComparison.Ordinal);
        using var headBrowser = app.CreatePortalClient();
        await headBrowser.SignInAsync("depthead");
        Assert.Equal(HttpStatusCode.Forbidden, (await headBrowser.GetAsync("/office/assessment/2026.pdf")).StatusCode);
    }

    /// <summary>A 200 PDF download named <paramref name="fileName"/> with embedded (subset) fonts; its whitespace-free text.</summary>
    internal static async Task<string> PdfTextAsync(HttpResponseMessage response, string fileName)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(StatisticsModule.PdfContentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal(fileName, response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        return PdfText(await response.Content.ReadAsByteArrayAsync());
    }

    internal static string PdfText(byte[] bytes)
    {
        using var pdf = PdfDocument.Open(bytes);
        var fonts = pdf.GetPages().SelectMany(p => p.Letters).Select(l => l.FontName ?? "").Distinct().ToList();
        Assert.NotEmpty(fonts);
        Assert.All(fonts, f => Assert.Matches("^[A-Z]{6}\\+Noto Sans SC", f));
        return string.Concat(pdf.GetPages().Select(p => PdfComposerTests.Squash(p.Text)));
    }

    private static string Role(string role) => role switch
    {
        Roles.DeptHead => "部门负责人",
        Roles.OfficeDirector => "办公室主任",
        Roles.Assessor => "考核小组",
        Roles.PrincipalLeader => "主要领导",
        Roles.Leader => "分管领导",
        _ => role,
    };

    internal static Task<Actor> ActorAsync(PortalFactory app, string userName) => app.ActorAsync(userName);
}
