using InfoPortal.Features.Requests;
using InfoPortal.Infrastructure;
using InfoPortal.Infrastructure.Pdf;
using Microsoft.Extensions.Localization;
using static InfoPortal.Features.Statistics.PdfFigures;

namespace InfoPortal.Features.Statistics;

/// <summary>
/// 月度统计 as a PDF: the month in the title, one table row per department with every figure the
/// page and the .xlsx show (counts, timeliness, take-downs, overdue steps, the interaction
/// column's message figures), the per-step review times, a short legend.
/// </summary>
public static class MonthlyStatisticsPdf
{
    public static PdfDocumentModel Build(MonthlyReport report, IStringLocalizer L, AgencyClock agency)
    {
        var title = F(L, "Statistics.Pdf.MonthTitle", report.Year, report.Month);
        var blocks = new List<PdfBlock>
        {
            new PdfParagraph(title, PdfTextStyle.Title, Centered: true),
            new PdfParagraph(report.ComputedAt is { } at ? F(L, "Statistics.ComputedAt", Time(at, agency), report.TimeZone) : F(L, "Statistics.EmptyMonth", $"{report.Year:D4}-{report.Month:D2}"), PdfTextStyle.Small, Centered: true),
            new PdfParagraph(L["Statistics.SheetDepartments"].Value, PdfTextStyle.Heading),
            new PdfTable([2.4, 1, 1, 1, 1, 1, 1, 1.2, 1, 1],
                [new PdfRow([.. new[] { "Statistics.Department", "Statistics.Drafted", "Statistics.Submitted", "Statistics.Approved", "Statistics.Returned", "Statistics.Published",
                    "Statistics.Timely", "Statistics.TimelinessRate", "Statistics.TakenDown", "Statistics.OverdueSteps" }.Select(k => new PdfCell(L[k].Value, Bold: true, Shaded: true))])],
                [.. report.Rows.Select(r => new PdfRow([r.DepartmentName, N(r.Drafted), N(r.Submitted), N(r.Approved), N(r.Returned), N(r.Published), N(r.Timely), Rate(r.TimelinessRate), N(r.TakenDown), N(r.OverdueSteps)]))],
                PdfTextStyle.Small),
            new PdfParagraph(L["Statistics.Pdf.Messages"].Value, PdfTextStyle.Heading),
            new PdfTable([2.4, 1.2, 1.2, 1.2, 1.2, 1.6],
                [new PdfRow([.. new[] { "Statistics.Department", "Statistics.MessagesReceived", "Statistics.MessagesAnswered", "Statistics.MessagesAnsweredOnTime",
                    "Statistics.MessagesLate", "Statistics.MedianReplyHours" }.Select(k => new PdfCell(L[k].Value, Bold: true, Shaded: true))])],
                [.. report.Rows.Select(r => new PdfRow([r.DepartmentName, N(r.MessagesReceived), N(r.MessagesAnswered), N(r.MessagesAnsweredOnTime), N(r.MessagesLate), N(r.MedianReplyHours)]))],
                PdfTextStyle.Small),
        };

        var steps = report.Rows.SelectMany(r => r.Steps.Select(s => (r.DepartmentName, Step: s))).OrderBy(x => StatisticsService.RoleOrder(x.Step.Role)).ToList();
        blocks.Add(new PdfParagraph(L["Statistics.ReviewTimes"].Value, PdfTextStyle.Heading));
        if (steps.Count == 0)
        {
            blocks.Add(new PdfParagraph(L["Statistics.Pdf.NoSteps"].Value));
        }
        else
        {
            blocks.Add(new PdfTable([2.4, 2.4, 1, 1.4, 1.4, 1],
                [new PdfRow([.. new[] { "Statistics.Department", "Statistics.Pdf.Step", "Statistics.Pdf.Decisions", "Statistics.Pdf.MedianHours", "Statistics.Pdf.P90Hours",
                    "Statistics.OverdueSteps" }.Select(k => new PdfCell(L[k].Value, Bold: true, Shaded: true))])],
                [.. report.Rows.SelectMany(r => r.Steps.OrderBy(s => StatisticsService.RoleOrder(s.Role)).Select(s =>
                    new PdfRow([r.DepartmentName, L["Role." + s.Role].Value, N(s.Decisions), N(s.MedianHours), N(s.P90Hours), N(s.OverdueSteps)])))],
                PdfTextStyle.Small));
        }

        if (report.Columns.Count > 0)
        {
            blocks.Add(new PdfParagraph(L["Statistics.SheetColumns"].Value, PdfTextStyle.Heading));
            blocks.Add(new PdfTable([2, 2.4, 1, 1, 1, 1, 1, 1.2, 1],
                [new PdfRow([.. new[] { "Statistics.Department", "Statistics.Column", "Statistics.Submitted", "Statistics.Approved", "Statistics.Returned", "Statistics.Published",
                    "Statistics.Timely", "Statistics.TimelinessRate", "Statistics.TakenDown" }.Select(k => new PdfCell(L[k].Value, Bold: true, Shaded: true))])],
                [.. report.Columns.Select(c => new PdfRow([c.DepartmentName, c.ColumnName, N(c.Submitted), N(c.Approved), N(c.Returned), N(c.Published), N(c.Timely), Rate(c.TimelinessRate), N(c.TakenDown)]))],
                PdfTextStyle.Small));
        }

        blocks.Add(new PdfParagraph(L["Statistics.Pdf.LegendTitle"].Value, PdfTextStyle.Heading));
        blocks.Add(new PdfParagraph(L["Statistics.Pdf.Legend"].Value + "\n" + L["Statistics.MessagesLegend"].Value, PdfTextStyle.Small));
        return new PdfDocumentModel(title, L["Statistics.Pdf.Author"].Value, title, blocks, RequestFormPdf.Labels(L));
    }
}
