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

    /// <summary><c>POST /api/v1/attachments/{id}/manual-review</c> <c>{reason}</c> (SecrecyOfficer).</summary>
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapApiGroup().MapPost("/attachments/{id:int}/manual-review", async (HttpContext http, ManualFileReviewService reviews, int id, ManualReviewBody body, CancellationToken ct) =>
            TypedResults.Ok(await reviews.ReviewAsync(http.GetActor(), id, body.Reason, ct)))
            .RequireAuthorization(Permissions.Screening.ReviewFiles).WithName("ReviewAttachmentByHand");
}

public sealed record ManualReviewBody(string? Reason);

public sealed record ManualReviewResult(int AttachmentId, int RequestId, string Sha256, string Note, string ReviewedBy, DateTimeOffset ReviewedAt, string? Reason);
