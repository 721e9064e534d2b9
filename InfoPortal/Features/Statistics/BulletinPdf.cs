using InfoPortal.Features.Requests;
using InfoPortal.Infrastructure;
using InfoPortal.Infrastructure.Pdf;
using Microsoft.Extensions.Localization;
using static InfoPortal.Features.Statistics.PdfFigures;

namespace InfoPortal.Features.Statistics;

/// <summary>
/// 季度通报 as a PDF: the introduction, counts per department in rank order, best and lagging
/// departments, and every take-down of the quarter with its reason.
/// </summary>
public static class BulletinPdf
{
    public static PdfDocumentModel Build(BulletinReport report, IStringLocalizer L, AgencyClock agency)
    {
        var title = F(L, "Bulletin.RequestTitle", report.Year, report.Quarter);
        var none = L["Bulletin.Nobody"].Value;
        var blocks = new List<PdfBlock>
        {
            new PdfParagraph(title, PdfTextStyle.Title, Centered: true),
            new PdfParagraph(F(L, "Statistics.ComputedAt", Time(report.ComputedAt, agency), report.TimeZone), PdfTextStyle.Small, Centered: true),
            new PdfParagraph(F(L, "Bulletin.Intro", report.Year, report.Quarter, string.Join("、", report.Months))),
            new PdfTable([0.8, 2.4, 1, 1, 1, 1, 1, 1.2, 1, 1, 1],
                [new PdfRow([.. new[] { "Bulletin.Rank", "Statistics.Department", "Statistics.Submitted", "Statistics.Approved", "Statistics.Returned", "Statistics.Published",
                    "Statistics.Timely", "Statistics.TimelinessRate", "Statistics.TakenDown", "Statistics.MessagesReceived", "Statistics.MessagesLate" }
                    .Select(k => new PdfCell(L[k].Value, Bold: true, Shaded: true))])],
                [.. report.Departments.OrderBy(d => d.Rank).Select(d => new PdfRow([N(d.Rank), d.DepartmentName, N(d.Submitted), N(d.Approved), N(d.Returned), N(d.Published),
                    N(d.Timely), Rate(d.TimelinessRate), N(d.TakenDown), N(d.MessagesReceived), N(d.MessagesLate)]))],
                PdfTextStyle.Small),
            new PdfParagraph(F(L, "Bulletin.Best", report.Best.Count > 0 ? string.Join("、", report.Best) : none), Bold: true),
            new PdfParagraph(F(L, "Bulletin.Lagging", report.Lagging.Count > 0 ? string.Join("、", report.Lagging) : none), Bold: true),
        };
        // The reason beside each listed department (ADR 0051): its rank and the figures that put it there.
        blocks.AddRange(report.Departments.Where(d => report.Best.Contains(d.DepartmentName) || report.Lagging.Contains(d.DepartmentName))
            .Select(d => new PdfParagraph($"{d.DepartmentName}：{RankingReasons.Of(d, L)}", PdfTextStyle.Small)));
        blocks.Add(new PdfParagraph(L["Bulletin.Takedowns"].Value, PdfTextStyle.Heading));
        if (report.Takedowns.Count == 0)
        {
            blocks.Add(new PdfParagraph(L["Bulletin.NoTakedowns"].Value));
        }
        else
        {
            blocks.Add(new PdfTable([3, 2, 2, 3.4, 1.6],
                [new PdfRow([.. new[] { "Bulletin.Item", "Statistics.Department", "Bulletin.At", "Bulletin.Reason", "Bulletin.By" }
                    .Select(k => new PdfCell(L[k].Value, Bold: true, Shaded: true))])],
                [.. report.Takedowns.Select(t => new PdfRow([$"{t.Title}（No. {N(t.RequestId)}）", t.DepartmentName, Time(t.At, agency), t.Reason, t.By]))],
                PdfTextStyle.Small));
        }

        blocks.Add(new PdfSpacer(18));
        blocks.Add(new PdfParagraph(L["Bulletin.Source"].Value, Centered: false));
        return new PdfDocumentModel(title, L["Bulletin.Source"].Value, title, blocks, RequestFormPdf.Labels(L));
    }
}
