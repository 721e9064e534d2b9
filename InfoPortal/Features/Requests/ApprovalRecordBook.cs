using System.Globalization;
using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Audit;
using InfoPortal.Infrastructure;
using InfoPortal.Infrastructure.Pdf;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace InfoPortal.Features.Requests;

/// <summary>Which records a print covers (issue 14 item 8). The status groups the 申请表's life.</summary>
public enum RecordStatus
{
    /// <summary>已发布.</summary>
    Published = 1,

    /// <summary>已审核未发布 (Approved or Scheduled).</summary>
    ApprovedNotPublished = 2,

    /// <summary>已退回.</summary>
    Returned = 3,

    /// <summary>已撤回.</summary>
    Withdrawn = 4,

    /// <summary>已撤下.</summary>
    TakenDown = 5,
}

/// <summary>The filter of a combined print: submission dates (agency days, inclusive), department, column, status.</summary>
public sealed record RecordFilter(DateOnly? From, DateOnly? To, int? DepartmentId, int? ColumnId, RecordStatus? Status);

/// <summary>
/// Printing approval records (the design card; issue 14 item 8, ADR 0048): one PDF with a contents
/// page and, per selected item, its 网上发布信息申请表 with the approval record. Items are read in
/// keyset batches (never all at once); the print is audited before it is rendered.
/// Publisher, OfficeDirector, leaders and AuditAdmin print any department; a department head
/// prints their own department only.
/// </summary>
public sealed class ApprovalRecordBook(
    IDbContextFactory<PortalDbContext> dbFactory,
    RequestFormPdf forms,
    AuditLog audit,
    IStringLocalizer<SharedResource> L,
    AgencyClock agency)
{
    /// <summary>Most items in one print; beyond it the reader narrows the filter.</summary>
    public const int MaxItems = 1000;

    private const int Batch = 50;


    public static bool CanPrint(Actor actor) => actor.IsAuthenticated && actor.Has(Permissions.Requests.PrintRecords);

    private static bool IsGlobal(Actor actor) =>
        actor.Has(Permissions.Requests.PrintAllRecords);

    /// <summary>Checks the filter and the actor (400 / 403), counts the items, and audits the print. Returns the filter to render (a head's own department filled in) and the count.</summary>
    public async Task<(RecordFilter Filter, int Count)> PrepareAsync(Actor actor, RecordFilter filter, CancellationToken cancellationToken = default)
    {
        if (!CanPrint(actor))
        {
            throw new ForbiddenException("Records.PrintForbidden");
        }

        if (!IsGlobal(actor))
        {
            // A department head: their own department, and asking for another is refused, not filtered away.
            if (filter.DepartmentId is { } asked && asked != actor.DepartmentId)
            {
                throw new ForbiddenException("Records.OtherDepartment");
            }

            filter = filter with { DepartmentId = actor.DepartmentId };
        }

        var errors = new Dictionary<string, string[]>();
        if (filter.From is { } from && filter.To is { } to && from > to) errors["to"] = ["Records.RangeInvalid"];
        if (filter.Status is { } status && !Enum.IsDefined(status)) errors["status"] = ["Records.StatusInvalid"];
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors, "Common.InvalidInput");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var count = await Query(db, filter).CountAsync(cancellationToken);
        if (count == 0)
        {
            throw new NotFoundException("Records.NothingSelected");
        }

        if (count > MaxItems)
        {
            throw ValidationFailedException.For("to", "Records.TooMany");
        }

        audit.Stage(db, actor, "ApprovalRecordsPrinted", "records", AuditOutcome.Success,
            $"{count} items; from {filter.From:yyyy-MM-dd} to {filter.To:yyyy-MM-dd}; department {filter.DepartmentId}; column {filter.ColumnId}; status {filter.Status}");
        await db.SaveChangesAsync(CancellationToken.None);
        return (filter, count);
    }

    /// <summary>Renders a prepared filter: contents page, then one form per item, oldest first.</summary>
    public async Task<RenderedPdf> RenderAsync(RecordFilter filter, CancellationToken cancellationToken = default)
    {
        var entries = new List<(int Id, string Title, string Department, string Status, DateTimeOffset? SubmittedAt)>();
        var parts = new List<IReadOnlyList<PdfBlock>>();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var departments = await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Name, cancellationToken);
        var after = 0;
        while (true)
        {
            // Keyset batches with their decisions, columns and files: the memory is one batch of rows at a time.
            var batch = await Query(db, filter).Where(r => r.Id > after).OrderBy(r => r.Id).Take(Batch)
                .Include(r => r.Columns).Include(r => r.Decisions).Include(r => r.Attachments)
                .AsSplitQuery().AsNoTracking().ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            foreach (var request in batch)
            {
                var model = await forms.BuildAsync(request, cancellationToken);
                parts.Add(model.Blocks);
                entries.Add((request.Id, request.Title, departments.GetValueOrDefault(request.DepartmentId) ?? "", L["Requests.Status." + request.Status].Value, request.SubmittedAt));
            }

            after = batch[^1].Id;
        }

        var title = L["Records.Book.Title"].Value;
        var book = new PdfDocumentModel(title, "InfoPortal", Describe(filter), [], RequestFormPdf.Labels(L)) { Header = title };
        return PdfComposer.RenderBook(book, parts, starts =>
        [
            new PdfParagraph(title, PdfTextStyle.Title, Centered: true),
            new PdfParagraph(Describe(filter), PdfTextStyle.Small, Centered: true),
            new PdfParagraph(L["Records.Book.Contents"].Value, PdfTextStyle.Heading),
            new PdfTable([0.6, 5, 1.6, 1.2, 1.8, 0.8],
                [new PdfRow([L["Records.Book.No"].Value, L["RequestForm.Field.Title"].Value, L["Pdf.Form.Department"].Value, L["Records.Book.Status"].Value, L["Pdf.Form.SubmittedAt"].Value, L["Records.Book.Page"].Value])],
                [.. entries.Select((e, i) => new PdfRow([(i + 1).ToString(CultureInfo.InvariantCulture), e.Title, e.Department, e.Status, agency.Format(e.SubmittedAt),
                    starts[i].ToString(CultureInfo.InvariantCulture)]))], PdfTextStyle.Small),
        ], agency.Now);
    }

    private string Describe(RecordFilter filter) => string.Format(CultureInfo.InvariantCulture, L["Records.Book.Filter"].Value,
        filter.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "—", filter.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "—",
        filter.Status is { } s ? L["Records.Status." + s].Value : L["Records.AnyStatus"].Value);

    private IQueryable<PublicationRequest> Query(PortalDbContext db, RecordFilter filter)
    {
        var query = db.Requests.Where(r => r.SubmittedAt != null);
        if (filter.From is { } from)
        {
            var start = agency.StartOfDay(from);
            query = query.Where(r => r.SubmittedAt >= start);
        }

        if (filter.To is { } to)
        {
            var end = agency.StartOfDay(to.AddDays(1));
            query = query.Where(r => r.SubmittedAt < end);
        }

        if (filter.DepartmentId is { } department) query = query.Where(r => r.DepartmentId == department);
        if (filter.ColumnId is { } column) query = query.Where(r => r.Columns.Any(c => c.ColumnId == column));
        query = filter.Status switch
        {
            RecordStatus.Published => query.Where(r => r.Status == RequestStatus.Published),
            RecordStatus.ApprovedNotPublished => query.Where(r => r.Status == RequestStatus.Approved || r.Status == RequestStatus.Scheduled),
            RecordStatus.Returned => query.Where(r => r.Status == RequestStatus.Returned),
            RecordStatus.Withdrawn => query.Where(r => r.Status == RequestStatus.Withdrawn),
            RecordStatus.TakenDown => query.Where(r => r.Status == RequestStatus.TakenDown),
            _ => query,
        };
        return query;
    }
}
