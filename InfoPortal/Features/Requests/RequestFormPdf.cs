using System.Globalization;
using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Screening;
using InfoPortal.Infrastructure;
using InfoPortal.Infrastructure.Html;
using InfoPortal.Infrastructure.Pdf;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace InfoPortal.Features.Requests;

/// <summary>
/// 网上发布信息申请表 as a PDF: every field of the form, the declaration as accepted, the
/// attachments with their hashes, the screening summary, and the full approval record (each
/// decision: step role, reviewer, outcome, opinion, time and the content hash signed).
/// </summary>
public sealed class RequestFormPdf(
    IDbContextFactory<PortalDbContext> dbFactory,
    RequestService requests,
    ScreeningService screening,
    IStringLocalizer<SharedResource> L,
    AgencyClock agency)
{

    /// <summary>The form of a request the actor may see (404 otherwise), rendered now.</summary>
    public async Task<RenderedPdf> RenderAsync(Actor actor, int id, CancellationToken cancellationToken = default)
    {
        var request = await requests.GetAsync(actor, id, cancellationToken);
        var model = await BuildAsync(request, cancellationToken);
        return await PdfComposer.RenderAsync(model, agency.Now, cancellationToken);
    }

    /// <summary>The content model of a loaded request (with columns, decisions and attachments).</summary>
    public async Task<PdfDocumentModel> BuildAsync(PublicationRequest r, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var department = await db.Departments.AsNoTracking().Where(d => d.Id == r.DepartmentId).Select(d => d.Name).SingleOrDefaultAsync(cancellationToken) ?? "";
        var officer = await db.Users.AsNoTracking().Where(u => u.Id == r.OfficerId).Select(u => u.DisplayName).SingleOrDefaultAsync(cancellationToken) ?? "";
        var columnIds = r.Columns.Select(c => c.ColumnId).ToList();
        var columns = await db.Columns.AsNoTracking().Where(c => columnIds.Contains(c.Id)).OrderBy(c => c.Id).Select(c => c.Name).ToListAsync(cancellationToken);

        var involvedIds = r.InvolvedDepartments.ToList();
        var involved = await db.Departments.AsNoTracking().Where(d => involvedIds.Contains(d.Id)).OrderBy(d => d.SortOrder).Select(d => d.Name).ToListAsync(cancellationToken);
        var title = L["Pdf.Form.Title"].Value;
        var blocks = new List<PdfBlock>
        {
            new PdfParagraph(title, PdfTextStyle.Title, Centered: true),
            new PdfParagraph(string.Format(CultureInfo.InvariantCulture, L["Pdf.Form.Number"].Value, r.Id, L["Requests.Status." + r.Status].Value), PdfTextStyle.Small, Centered: true),
            new PdfKeyValueGrid(
            [
                Pair("RequestForm.Field.Title", r.Title),
                Pair("RequestForm.Field.Columns", string.Join("、", columns)),
                Pair("RequestForm.Field.Kind", L["Kind." + r.Kind].Value),
                Pair("Pdf.Form.Department", department),
                Pair("Pdf.Form.Officer", officer),
                Pair("RequestForm.Field.Importance", L["Importance." + r.Importance].Value),
                Pair("RequestForm.Field.EventDate", r.EventDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
                Pair("RequestForm.Field.Source", r.Source),
                Pair("RequestForm.Field.Involved", involved.Count == 0 ? L["Pdf.Form.None"].Value : string.Join("、", involved)),
                Pair("RequestForm.Field.InternalMatter", r.InternalMatter ? L["Common.Yes"].Value : L["Common.No"].Value),
                Pair("Pdf.Form.SubmittedAt", Time(r.SubmittedAt)),
                Pair("Pdf.Form.Version", $"v{r.ContentVersion} · SHA-256 {r.ContentSha256}"),
                Pair("RequestPage.Declaration", r.DeclarationAccepted ? L["RequestForm.Declaration"].Value : L["RequestPage.NotDeclared"].Value),
            ]),
            new PdfParagraph(L["RequestForm.Field.Body"].Value, PdfTextStyle.Heading),
            new PdfParagraph(HtmlCleaner.ToText(r.BodyHtml).Trim()),
        };

        var attachments = r.Attachments.Where(a => !a.IsRemoved).OrderBy(a => a.Id).ToList();
        if (attachments.Count > 0)
        {
            blocks.Add(new PdfParagraph(L["Pdf.Form.Attachments"].Value, PdfTextStyle.Heading));
            blocks.Add(new PdfTable([3, 3, 5],
                [new PdfRow([L["Pdf.Form.FileName"].Value, L["Pdf.Form.Caption"].Value, "SHA-256"])],
                [.. attachments.Select(a => new PdfRow([a.FileName, a.Caption ?? "", a.Sha256]))], PdfTextStyle.Small));
        }

        var report = screening.Screen(r.CurrentContent, attachments);
        blocks.Add(new PdfParagraph(L["Pdf.Form.Screening"].Value, PdfTextStyle.Heading));
        blocks.Add(new PdfParagraph(report.Hits.Count == 0
            ? string.Format(CultureInfo.InvariantCulture, L["Pdf.Form.ScreeningClean"].Value, report.ListVersion)
            : string.Format(CultureInfo.InvariantCulture, L["Pdf.Form.ScreeningHits"].Value, report.ListVersion,
                string.Join("；", report.Hits.Select(h => $"{h.Label}：{h.Text}（{L["Screening.Category." + h.Category].Value}，{L["Screening.Level." + h.Level].Value}）")))));

        blocks.Add(new PdfParagraph(L["Pdf.Form.Record"].Value, PdfTextStyle.Heading));
        var decisions = r.Decisions.OrderBy(d => d.DecidedAt).ThenBy(d => d.Id).ToList();
        if (decisions.Count == 0)
        {
            blocks.Add(new PdfParagraph(L["Pdf.Form.NoDecisions"].Value));
        }
        else
        {
            blocks.Add(new PdfTable([1, 2.2, 2, 1.4, 3.4, 2.6],
                [new PdfRow([L["Pdf.Form.Round"].Value, L["Pdf.Form.Role"].Value, L["Pdf.Form.Reviewer"].Value, L["Pdf.Form.Outcome"].Value, L["Decision.Opinion"].Value, L["Pdf.Form.Time"].Value])],
                [.. decisions.Select(d => new PdfRow(
                [
                    d.Round.ToString(CultureInfo.InvariantCulture),
                    StepLabel(d),
                    d.ReviewerName,
                    L["Decision." + d.Outcome].Value,
                    d.Opinion,
                    Time(d.DecidedAt),
                ]))], PdfTextStyle.Small));
            blocks.Add(new PdfTable([2, 1, 5],
                [new PdfRow([L["Pdf.Form.Reviewer"].Value, L["Pdf.Form.Version"].Value, L["Pdf.Form.SignedHash"].Value])],
                [.. decisions.Select(d => new PdfRow([d.ReviewerName, $"v{d.ContentVersion}", d.ContentSha256]))], PdfTextStyle.Small));
            blocks.Add(new PdfSignatureBlock([.. decisions.Where(d => d.Outcome == DecisionOutcome.Approve && d.Round == r.Round)
                .Select(d => new PdfSignature(StepLabel(d), d.ReviewerName, Time(d.DecidedAt)))]));
            foreach (var d in decisions.Where(d => d.ApprovalNumber is not null))
            {
                blocks.Add(new PdfParagraph(string.Format(CultureInfo.InvariantCulture, L["Pdf.Form.ProvincialEvidence"].Value,
                    d.ApprovingAuthority, d.ApprovalNumber, d.ApprovalDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), d.ApprovalScanSha256)));
            }
        }

        return new PdfDocumentModel(title, officer, r.Title, blocks, Labels(L)) { Header = $"{title} · No. {r.Id}" };

        KeyValuePair<string, string> Pair(string key, string value) => new(L[key].Value, value);

        // The provincial step is the higher authority's approval, recorded by the director: print it as such.
        string StepLabel(Decision d) => StepLabels.Of(L, d.StepKey, d.Role);
    }

    /// <summary>The composer's footer words in the current UI language.</summary>
    public static PdfLabels Labels(IStringLocalizer L) => new(L["Pdf.PageOf"].Value, L["Pdf.Footer"].Value);

    /// <summary>Printed times are in the agency's zone (Jobs:TimeZone), as on the screens.</summary>
    private string Time(DateTimeOffset? at) => agency.Format(at);
}
