using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Audit;
using InfoPortal.Features.Screening;
using InfoPortal.Infrastructure;
using InfoPortal.Infrastructure.Web;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Features.Requests;

/// <summary>
/// The 保密员's manual review of an attachment whose text screening could not read (damaged, over
/// the extraction bounds, timed out, cut short). Screening fails closed on such a file; this review
/// — the secrecy officer opened the file, read it, and records a written conclusion — is what
/// unblocks it. The record is an entry in the hash-chained audit log (target <c>file:{sha256}</c>),
/// so it can be neither forged nor quietly removed (ADR 0024). A missing file cannot be reviewed.
/// It clears an attachment of a request, so it is Requests' (ADR 0059); screening reads the record.
/// </summary>
public sealed class ManualFileReviewService(IDbContextFactory<PortalDbContext> dbFactory, AttachmentTextExtractor extractor, AuditLog audit)
{
    /// <summary>The page that lists what waits for the secrecy officer's manual review.</summary>
    public const string PagePath = "/office/screening/files";

    /// <summary>At most this many files are listed; the list is a worklist, cleared as files are reviewed.</summary>
    public const int PendingLimit = 200;

    // What can be read by hand (a missing file cannot: it must be restored first).
    private static readonly string[] ReviewableNotes =
        [AttachmentTextExtractor.Failed, AttachmentTextExtractor.Truncated, AttachmentTextExtractor.Refused, AttachmentTextExtractor.TimedOut, AttachmentTextExtractor.Scanned];

    // Items on their way, where an unreviewed file blocks the next step (submit, approve, publish). A
    // published item passed screening: its files are history, not work.
    private static readonly RequestStatus[] OpenStatuses =
        [RequestStatus.Draft, RequestStatus.Returned, RequestStatus.InReview, RequestStatus.Approved, RequestStatus.Scheduled];

    /// <summary>
    /// The attachments whose text screening could not read and that nobody has reviewed by hand yet,
    /// drafts included (a blocked draft cannot be submitted until this review): the secrecy officer's
    /// worklist. It starts from the few extraction results that carry a blocking note (indexed), not
    /// from the attachments.
    /// </summary>
    public async Task<IReadOnlyList<PendingFileReview>> PendingAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        if (!actor.Has(Permissions.Screening.ReviewFiles))
        {
            throw new ForbiddenException("Screening.ManualReview.SecrecyOnly");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // The candidates: files with a blocking note on items on their way (both filters indexed).
        var candidates = await (
                from text in db.AttachmentTexts
                where text.Note != null && ReviewableNotes.Contains(text.Note)
                join attachment in db.Attachments on text.Sha256 equals attachment.Sha256
                where !attachment.IsRemoved
                join request in db.Requests on attachment.RequestId equals request.Id
                where OpenStatuses.Contains(request.Status)
                select new
                {
                    attachment.Id, attachment.FileName, attachment.Size, attachment.CreatedAt, attachment.Sha256, text.Note,
                    RequestId = request.Id, request.Title, request.Status, request.DepartmentId, request.OfficerId,
                })
            .AsNoTracking().ToListAsync(cancellationToken);
        // Then those reviewed already: the targets of the manual reviews in the audit log, read from the
        // covering index (Action, Outcome, Target). Each is a 保密员's act by hand, so they are few.
        var reviewed = candidates.Count == 0 ? [] : (await db.AuditRecords.AsNoTracking()
                .Where(a => a.Action == AttachmentTextExtractor.ManualReviewAction && a.Outcome == AuditOutcome.Success)
                .Select(a => a.Target!).ToListAsync(cancellationToken))
            .ToHashSet(StringComparer.Ordinal);
        var rows = candidates.Where(c => !reviewed.Contains("file:" + c.Sha256)).OrderBy(c => c.Id).Take(PendingLimit).ToList();
        var departmentIds = rows.Select(r => r.DepartmentId).Distinct().ToList();
        var departments = await db.Departments.AsNoTracking().Where(d => departmentIds.Contains(d.Id)).ToDictionaryAsync(d => d.Id, d => d.Name, cancellationToken);
        var officerIds = rows.Select(r => r.OfficerId).Distinct().ToList();
        var officers = await db.Users.AsNoTracking().Where(u => officerIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, cancellationToken);
        return [.. rows.Select(r => new PendingFileReview(r.Id, r.FileName, r.Size, r.CreatedAt, r.Note!, r.RequestId, r.Title, r.Status.ToString(),
            departments.GetValueOrDefault(r.DepartmentId) ?? "", officers.GetValueOrDefault(r.OfficerId) ?? ""))];
    }

    public async Task<ManualReviewResult> ReviewAsync(Actor actor, int attachmentId, string? reason, CancellationToken cancellationToken = default)
    {
        if (!actor.Has(Permissions.Screening.ReviewFiles))
        {
            throw new ForbiddenException("Screening.ManualReview.SecrecyOnly");
        }

        reason = reason?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > 500)
        {
            throw ValidationFailedException.For("reason", "Screening.ManualReview.ReasonRequired");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var attachment = await db.Attachments.AsNoTracking().SingleOrDefaultAsync(a => a.Id == attachmentId && !a.IsRemoved, cancellationToken)
            ?? throw new NotFoundException("Uploads.NotFound");
        var note = extractor.Get(attachment).Note;
        if (note == AttachmentTextExtractor.Missing)
        {
            throw new ConflictException("Screening.ManualReview.FileMissing");
        }

        if (!AttachmentTextExtractor.MayBeReviewedByHand(note))
        {
            throw new ConflictException("Screening.ManualReview.NotNeeded");
        }

        // From here on the record is written whatever the caller does (ADR 0021 §2).
        // Both records in one transaction: the file's review and the request's clearance exist together or not at all.
        audit.Stage(db, actor, AttachmentTextExtractor.ManualReviewAction, "file:" + attachment.Sha256, AuditOutcome.Success, reason);
        audit.Stage(db, actor, "ScreeningFileCleared", $"request:{attachment.RequestId}", AuditOutcome.Success,
            $"attachment {attachment.Id} {attachment.FileName} ({note}) sha256={attachment.Sha256}");
        await db.SaveChangesAsync(CancellationToken.None);
        var review = extractor.ManualReviewOf(attachment.Sha256)!;
        return new ManualReviewResult(attachment.Id, attachment.RequestId, attachment.Sha256, note!, review.Reviewer, review.At, review.Reason);
    }

    /// <summary>
    /// <c>POST /api/v1/attachments/{id}/manual-review</c> <c>{reason}</c> (SecrecyOfficer), and the
    /// worklist <c>GET /api/v1/attachments/manual-review</c>.
    /// </summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapApiGroup();
        api.MapPost("/attachments/{id:int}/manual-review", async (HttpContext http, ManualFileReviewService reviews, int id, ManualReviewBody body, CancellationToken ct) =>
            TypedResults.Ok(await reviews.ReviewAsync(http.GetActor(), id, body.Reason, ct)))
            .RequireAuthorization(Permissions.Screening.ReviewFiles).WithName("ReviewAttachmentByHand");
        api.MapGet("/attachments/manual-review", async (HttpContext http, ManualFileReviewService reviews, CancellationToken ct) =>
            TypedResults.Ok(await reviews.PendingAsync(http.GetActor(), ct)))
            .RequireAuthorization(Permissions.Screening.ReviewFiles).WithName("ListAttachmentsAwaitingManualReview");
    }
}

/// <summary>An attachment waiting for the secrecy officer's manual review, with the item it belongs to.</summary>
public sealed record PendingFileReview(
    int AttachmentId, string FileName, long Size, DateTimeOffset UploadedAt, string Note,
    int RequestId, string RequestTitle, string RequestStatus, string Department, string Officer);

public sealed record ManualReviewBody(string? Reason);

public sealed record ManualReviewResult(int AttachmentId, int RequestId, string Sha256, string Note, string ReviewedBy, DateTimeOffset ReviewedAt, string? Reason);
