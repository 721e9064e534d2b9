using InfoPortal.Features.Requests;
using InfoPortal.Infrastructure;
using InfoPortal.Infrastructure.Pdf;
using Microsoft.Extensions.Localization;
using static InfoPortal.Features.Statistics.PdfFigures;

namespace InfoPortal.Features.Statistics;

/// <summary>
/// 年度考核评比报告 as a PDF: the rules and their points, each department's scores with the
/// breakdown in rank order, the adjustments with their written reasons, the commendation and
/// criticism lists, and a signature block for the assessor and the leaders.
/// </summary>
public static class AssessmentPdf
{
    public static PdfDocumentModel Build(AssessmentReport report, IStringLocalizer L, AgencyClock agency)
    {
        var title = F(L, "Assessment.Pdf.Title", report.Year);
        var p = report.Points;
        var none = L["Bulletin.Nobody"].Value;
        var blocks = new List<PdfBlock>
        {
            new PdfParagraph(title, PdfTextStyle.Title, Centered: true),
            new PdfParagraph(F(L, "Statistics.ComputedAt", Time(report.ComputedAt, agency), agency.Zone.Id), PdfTextStyle.Small, Centered: true),
            new PdfParagraph(L["Assessment.Pdf.RulesHeading"].Value, PdfTextStyle.Heading),
            new PdfParagraph(F(L, "Assessment.Rules", P(p.Published), P(p.Timely), P(p.UsedByHigherAuthorities), P(p.Returned), P(p.TakenDown))),
            new PdfParagraph(F(L, "Assessment.ReplyRules", P(p.LateReply), P(p.OnTimeReply))),
            new PdfParagraph(F(L, "Assessment.StaleRule", P(p.StaleColumn))),
        };
        if (report.PendingRules.Count > 0)
        {
            blocks.Add(new PdfParagraph(F(L, "Assessment.PendingRules", string.Join("、", report.PendingRules.Select(k => L[k].Value))), PdfTextStyle.Small));
        }

        blocks.Add(new PdfParagraph(L["Assessment.Pdf.ScoresHeading"].Value, PdfTextStyle.Heading));
        blocks.Add(new PdfTable([0.8, 2.2, 1, 1, 1.2, 1, 1, 1.1, 1.1, 1.1, 1.1, 1.1, 1.1],
            [new PdfRow([.. new[] { "Bulletin.Rank", "Statistics.Department", "Statistics.Published", "Statistics.Timely", "Assessment.Used", "Statistics.Returned",
                "Statistics.TakenDown", "Assessment.StaleColumns", "Assessment.LateReplies", "Assessment.OnTimeReplies", "Assessment.Pdf.Computed", "Assessment.Pdf.Adjusted", "Assessment.Total" }
                .Select(k => new PdfCell(L[k].Value, Bold: true, Shaded: true))])],
            [.. report.Rows.Select(r => new PdfRow([N(r.Rank), r.DepartmentName, N(r.Published), N(r.Timely), N(r.UsedByHigherAuthorities), N(r.Returned), N(r.TakenDown),
                N(r.StaleColumns), N(r.LateReplies), N(r.OnTimeReplies), P(r.ComputedPoints), P(r.Adjustments.Sum(a => a.Points)), new PdfCell(P(r.Total), Bold: true)]))],
            PdfTextStyle.Small));

        blocks.Add(new PdfParagraph(L["Assessment.Adjustments"].Value, PdfTextStyle.Heading));
        var adjustments = report.Rows.SelectMany(r => r.Adjustments.Select(a => (r.DepartmentName, a))).OrderBy(x => x.a.At).ToList();
        if (adjustments.Count == 0)
        {
            blocks.Add(new PdfParagraph(L["Assessment.Pdf.NoAdjustments"].Value));
        }
        else
        {
            blocks.Add(new PdfTable([2, 1, 4, 1.6, 2],
                [new PdfRow([.. new[] { "Statistics.Department", "Assessment.Points", "Assessment.Reason", "Bulletin.By", "Bulletin.At" }
                    .Select(k => new PdfCell(L[k].Value, Bold: true, Shaded: true))])],
                [.. adjustments.Select(x => new PdfRow([x.DepartmentName, (x.a.Points > 0 ? "+" : "") + P(x.a.Points), x.a.Reason, x.a.By, Time(x.a.At, agency)]))],
                PdfTextStyle.Small));
        }

        blocks.Add(new PdfParagraph(L["Assessment.Pdf.OutcomeHeading"].Value, PdfTextStyle.Heading));
        blocks.Add(new PdfParagraph(F(L, "Assessment.Commend", report.Commendations.Count > 0 ? string.Join("、", report.Commendations) : none), Bold: true));
        foreach (var row in report.CommendedRows)
        {
            blocks.Add(new PdfParagraph($"{row.DepartmentName}：{RankingReasons.Of(row, L)}", PdfTextStyle.Small));
        }

        blocks.Add(new PdfParagraph(F(L, "Assessment.Criticise", report.Criticisms.Count > 0 ? string.Join("、", report.Criticisms) : none), Bold: true));
        foreach (var row in report.CriticisedRows)
        {
            blocks.Add(new PdfParagraph($"{row.DepartmentName}：{RankingReasons.Of(row, L)}", PdfTextStyle.Small));
        }

        // 表彰…个人 (§2 第五章): the officers, ranked by the same rule; commended, never criticised by name.
        blocks.Add(new PdfParagraph(L["Assessment.Individuals"].Value, PdfTextStyle.Heading));
        blocks.Add(new PdfParagraph(F(L, "Assessment.CommendIndividuals", report.CommendedIndividuals.Count > 0 ? string.Join("、", report.CommendedIndividuals.Select(i => i.Name)) : none), Bold: true));
        foreach (var person in report.CommendedIndividuals)
        {
            blocks.Add(new PdfParagraph($"{person.Name}（{person.DepartmentName}）：{RankingReasons.Of(person, L)}", PdfTextStyle.Small));
        }

        if (report.Individuals.Count > 0)
        {
            blocks.Add(new PdfTable([0.8, 1.6, 2, 1, 1.2, 1, 1, 1.1],
                [new PdfRow([.. new[] { "Bulletin.Rank", "Assessment.Person", "Statistics.Department", "Statistics.Published", "Assessment.Used", "Statistics.Returned", "Statistics.TakenDown", "Assessment.Total" }
                    .Select(k => new PdfCell(L[k].Value, Bold: true, Shaded: true))])],
                [.. report.Individuals.Select(i => new PdfRow([N(i.Rank), i.Name, i.DepartmentName, N(i.Published), N(i.UsedByHigherAuthorities), N(i.Returned), N(i.TakenDown), P(i.Points)]))],
                PdfTextStyle.Small));
        }
        blocks.Add(new PdfSpacer(12));
        blocks.Add(new PdfSignatureBlock(
        [
            new PdfSignature(L["Role.Assessor"].Value, "", ""),
            new PdfSignature(L["Role.OfficeDirector"].Value, "", ""),
            new PdfSignature(L["Role.PrincipalLeader"].Value, "", ""),
        ]));
        return new PdfDocumentModel(title, L["Bulletin.Source"].Value, title, blocks, RequestFormPdf.Labels(L));
    }
}
