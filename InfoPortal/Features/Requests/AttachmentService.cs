using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Audit;
using InfoPortal.Features.Columns;
using InfoPortal.Infrastructure;
using InfoPortal.Infrastructure.Files;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InfoPortal.Features.Requests;

/// <summary>
/// Files of a request: checked by content against the allow-list, size-capped, images
/// re-encoded without metadata and captioned, stored by SHA-256; each change is a new version.
/// </summary>
public sealed class AttachmentService(
    IDbContextFactory<PortalDbContext> dbFactory,
    FileStore files,
    IOptions<UploadOptions> options,
    IOptions<Screening.ExtractionLimits> extraction,
    AuditLog audit,
    TimeProvider clock)
{
    public async Task<Attachment> UploadAsync(Actor actor, int requestId, string fileName, Stream content, string? caption, CancellationToken cancellationToken = default)
    {
        var limits = options.Value;
        if (content.Length > limits.MaxVideoBytes)
        {
            throw new UploadRejectedException(413, "Uploads.TooLarge", limits.MaxVideoBytes / (1024 * 1024));
        }

        var kind = FileSniffer.Sniff(content) ?? throw new UploadRejectedException(415, "Uploads.TypeNotAllowed");
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        if (!kind.Extensions.Contains(extension))
        {
            throw new UploadRejectedException(415, "Uploads.ExtensionMismatch", extension, string.Join(" ", kind.Extensions));
        }

        var cap = kind.IsVideo ? limits.MaxVideoBytes : limits.MaxFileBytes;
        if (content.Length > cap)
        {
            throw new UploadRejectedException(413, "Uploads.TooLarge", cap / (1024 * 1024));
        }

        if ((kind == FileSniffer.Docx || kind == FileSniffer.Xlsx) && Screening.ZipGuard.Check(content, extraction.Value) is { } unsafeZip)
        {
            // A zip bomb is refused before anything is stored (issue 10 item 11): a file that cannot be
            // inflated within the bounds could never be screened.
            await audit.AppendAsync(actor, "AttachmentRefused", $"request:{requestId}", AuditOutcome.Refused, $"{SafeName(fileName)} {kind.ContentType} {content.Length} bytes: {unsafeZip}", cancellationToken);
            throw new UploadRejectedException(422, unsafeZip);
        }

        caption = string.IsNullOrWhiteSpace(caption) ? null : caption.Trim();
        if (kind.IsImage && caption is null)
        {
            // rules.md §2 第三章第一条: pictures need a text caption.
            throw ValidationFailedException.For("caption", "Uploads.CaptionRequired");
        }

        if (caption is { Length: > 500 })
        {
            throw ValidationFailedException.For("caption", "Uploads.CaptionTooLong");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var request = await RequestService.LoadForChangeAsync(db, actor, requestId, null, cancellationToken);

        string sha;
        long size;
        if (kind.IsImage)
        {
            byte[] clean;
            try
            {
                (clean, kind) = ImageCleaner.Reencode(content, kind, limits.MaxImagePixels);
            }
            catch (InvalidDataException)
            {
                throw new UploadRejectedException(415, "Uploads.ImageUnreadable");
            }

            sha = await files.SaveAsync(clean, cancellationToken);
            size = clean.Length;
            fileName = Path.ChangeExtension(SafeName(fileName), kind.Extensions[0]);
        }
        else
        {
            sha = await files.SaveAsync(content, cancellationToken);
            size = content.Length;
            fileName = SafeName(fileName);
        }

        var attachment = new Attachment
        {
            Sha256 = sha,
            FileName = fileName,
            ContentType = kind.ContentType,
            Size = size,
            Caption = caption,
            CreatedAt = clock.GetUtcNow(),
            CreatedById = actor.UserId,
        };
        request.AddAttachment(actor, attachment);
        // The version snapshot names attachments by id: record it once the id exists — in the same
        // transaction as the upload and its audit record (ADR 0021).
        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        await RequestService.SaveAsync(db, CancellationToken.None);
        request.AttachmentsChanged(actor, clock.GetUtcNow());
        audit.Stage(db, actor, "AttachmentUploaded", $"request:{requestId}", AuditOutcome.Success, $"{fileName} {kind.ContentType} {size} bytes sha256={sha}");
        await RequestService.SaveAsync(db, CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        return attachment;
    }

    public async Task RemoveAsync(Actor actor, int requestId, int attachmentId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var request = await RequestService.LoadForChangeAsync(db, actor, requestId, null, cancellationToken);
        var attachment = request.RemoveAttachment(actor, attachmentId, clock.GetUtcNow());
        audit.Stage(db, actor, "AttachmentRemoved", $"request:{requestId}", AuditOutcome.Success, attachment.FileName);
        await RequestService.SaveAsync(db, CancellationToken.None);
    }

    /// <summary>
    /// An attachment for download: to anyone once its request is live on the external site, to
    /// signed-in users when live on the intranet, otherwise to users who may see the request.
    /// </summary>
    public async Task<(Attachment Attachment, Stream Content)?> OpenAsync(Actor actor, int attachmentId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var attachment = await db.Attachments.AsNoTracking().SingleOrDefaultAsync(a => a.Id == attachmentId, cancellationToken);
        if (attachment is null)
        {
            return null;
        }

        var live = await db.Publications.Where(p => p.RequestId == attachment.RequestId && p.TakenDownAt == null).Select(p => p.Site).ToListAsync(cancellationToken);
        var published = !attachment.IsRemoved && (live.Contains(Site.External) || (actor.IsAuthenticated && live.Contains(Site.Internal)));
        // The 保密员 reads any file by hand that screening could not (ADR 0024), drafts included.
        if (!published && !actor.Has(Permissions.Screening.ReviewFiles))
        {
            var request = await db.Requests.AsNoTracking().SingleAsync(r => r.Id == attachment.RequestId, cancellationToken);
            if (!actor.IsAuthenticated || !RequestAccess.CanSee(actor, request))
            {
                return null;
            }
        }

        var stream = files.OpenRead(attachment.Sha256);
        return stream is null ? null : (attachment, stream);
    }

    private static string SafeName(string fileName)
    {
        var name = Path.GetFileName(fileName.Replace('\\', '/'));
        var invalid = Path.GetInvalidFileNameChars();
        name = new string([.. name.Where(c => !invalid.Contains(c) && !char.IsControl(c))]);
        return name.Length switch { 0 => "file", > 200 => name[^200..], _ => name };
    }
}

/// <summary>An upload refused for its size (413), type (415) or a content that cannot be screened safely (422, e.g. a zip bomb).</summary>
public sealed class UploadRejectedException(int status, string message, params object[] args) : PortalException(message, args)
{
    public int Status { get; } = status;

    /// <summary>The API's stable problem code.</summary>
    public string Code => Status switch { 413 => "file_too_large", 422 => "file_not_screenable", _ => "file_type_not_allowed" };

    public override (int Status, string Code)? Problem => (Status, Code);
}
