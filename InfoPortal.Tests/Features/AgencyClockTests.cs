using System.Net;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using InfoPortal.Features.Statistics;
using InfoPortal.Infrastructure;
using InfoPortal.Tests.Infrastructure.Pdf;
using InfoPortal.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using UglyToad.PdfPig;

namespace InfoPortal.Tests.Features;

/// <summary>
/// One clock (issue 11 item 3, ADR 0026): with the server process on UTC and the agency in
/// Asia/Shanghai, a decision at 23:30 UTC on 31 October is 1 November 07:30 on the page, on the
/// printed 申请表 and in the November spreadsheet — never 31 October on one and 1 November on another.
/// </summary>
public sealed class AgencyClockTests
{
    private static readonly DateTimeOffset Decided = new(2026, 10, 31, 23, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task DecisionAt2330Utc_ShowsTheSameShanghaiDateAndTime_OnPagePdfAndXlsx()
    {
        // The process zone is not the agency's (CI and the dev machines run on UTC).
        Assert.NotEqual(TimeSpan.FromHours(8), TimeZoneInfo.Local.GetUtcOffset(Decided));
        var clock = new FakeTimeProvider(Decided.AddMinutes(-30));
        await using var app = new PortalFactory()
            .With("Jobs:TimeZone", "Asia/Shanghai")
            .WithServices(s => s.AddSingleton<TimeProvider>(clock));

        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var head = await ApiClient.SignInAsync(app, "depthead");
        using var director = await ApiClient.SignInAsync(app, "director");
        var id = await officer.DraftAsync("县局十月工作总结", eventDate: new DateOnly(2026, 10, 30));
        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);
        clock.SetUtcNow(Decided);
        await ApiClient.EnsureAsync(await head.ApproveAsync(id, "同意。"), HttpStatusCode.OK);
        clock.SetUtcNow(Decided.AddMinutes(5));
        await ApiClient.EnsureAsync(await director.ApproveAsync(id, "同意发布。"), HttpStatusCode.OK);
        await ApiClient.ApproveRemainingAsync(app, id, director); // the internet needs a leader (ADR 0045)

        // The page (as prerendered for the reviewer): the decision's time in Shanghai.
        using var browser = app.CreatePortalClient();
        await browser.SignInAsync("depthead");
        var page = await browser.GetStringAsync($"/office/requests/{id}");
        // The timeline prints the signature time exactly as the form does.
        Assert.Contains("2026-11-01 07:30", page, StringComparison.Ordinal);
        Assert.DoesNotContain("23:30", page, StringComparison.Ordinal);

        // The printed form: the same date and time.
        var pdfBytes = await (await officer.Http.GetAsync($"/api/v1/requests/{id}/form.pdf")).Content.ReadAsByteArrayAsync();
        using (var pdf = PdfDocument.Open(pdfBytes))
        {
            var text = string.Concat(pdf.GetPages().Select(p => PdfComposerTests.Squash(p.Text)));
            Assert.Contains("2026-11-0107:30", text, StringComparison.Ordinal);
            Assert.DoesNotContain("2026-10-3123:30", text, StringComparison.Ordinal);
        }

        // The spreadsheet: the approval counts in November, Shanghai's month, not in October.
        using (var scope = app.Services.CreateScope())
        {
            var job = scope.ServiceProvider.GetRequiredService<MonthlyStatisticsJob>();
            await job.RunAsync(2026, 10);
            await job.RunAsync(2026, 11);
        }

        using var assessor = await ApiClient.SignInAsync(app, "assessor");
        Assert.Equal(1, await ApprovedAsync(assessor, 11));
        Assert.Equal(0, await ApprovedAsync(assessor, 10));

        // And the agency clock itself agrees.
        var agency = app.Services.GetRequiredService<AgencyClock>();
        Assert.Equal("2026-11-01 07:30", agency.Format(Decided));
    }

    [Fact]
    public void AgencyTimeProvider_LocalNow_IsTheAgencysDay()
    {
        var zone = InfoPortal.Infrastructure.Jobs.JobRunner.FindZone("Asia/Shanghai");
        var provider = new AgencyTimeProvider(zone);
        var now = provider.GetLocalNow();
        Assert.Equal(TimeSpan.FromHours(8), now.Offset);
    }

    private static async Task<int> ApprovedAsync(ApiClient assessor, int month)
    {
        var response = await assessor.Http.GetAsync($"/api/v1/statistics/monthly.xlsx?year=2026&month={month}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        using var document = SpreadsheetDocument.Open(stream, false);
        var workbook = document.WorkbookPart!;
        var sheet = workbook.Workbook.Sheets!.Elements<Sheet>().First();
        var rows = ((WorksheetPart)workbook.GetPartById(sheet.Id!)).Worksheet.GetFirstChild<SheetData>()!.Elements<Row>().Select(r => r.Elements<Cell>().ToList()).ToList();
        var approvedColumn = rows[0].FindIndex(c => Text(c) == "审核通过");
        Assert.True(approvedColumn > 0, "no 审核通过 column");
        var general = rows.SingleOrDefault(r => Text(r[0]) == "综合股");
        return general is null ? 0 : int.Parse(general[approvedColumn].CellValue!.Text, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string Text(Cell cell) => cell.InlineString?.Text?.Text ?? cell.CellValue?.Text ?? "";
}
