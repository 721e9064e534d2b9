using System.Text;
using System.Text.Json;
using DocumentFormat.OpenXml.Packaging;
using InfoPortal.Data;
using InfoPortal.Infrastructure.Files;
using Microsoft.EntityFrameworkCore;
using UglyToad.PdfPig;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace InfoPortal.Features.Screening;

/// <summary>One piece of an attachment's text: <see cref="Part"/> is body/header/footer/footnotes/endnotes/comments/text, or page for a PDF.</summary>
public sealed record TextPart(string Part, int? Page, string Text);

/// <summary>What was extracted from one file; <see cref="Note"/> is a resource key when extraction failed or was cut short.</summary>
public sealed record ExtractedText(IReadOnlyList<TextPart> Parts, string? Note);

/// <summary>The 保密员 read an unreadable file by hand and found nothing that may not be published.</summary>
public sealed record ManualReview(string Reviewer, DateTimeOffset At, string? Reason);

/// <summary>
/// Text of .docx (body, headers, footers, footnotes, endnotes, comments), .pdf (page by page) and
/// .txt (UTF-8 with or without BOM, UTF-16 with BOM, else GB18030) attachments, extracted once per
/// SHA-256 and kept in <see cref="AttachmentText"/> so rescans are cheap. Never throws for a bad
/// file: the screening gets a note instead — and a note that says text went unread blocks the step
/// until the 保密员 has read the file by hand (<see cref="BlocksScreening"/>, ADR 0024).
/// </summary>
public sealed class AttachmentTextExtractor(
    IDbContextFactory<PortalDbContext> dbFactory,
    FileStore files,
    Microsoft.Extensions.Options.IOptions<ExtractionLimits> limits,
    TimeProvider clock,
    ILogger<AttachmentTextExtractor> logger)
{
    public const string Missing = "Screening.Extract.Missing";
    public const string Failed = "Screening.Extract.Failed";
    public const string Truncated = "Screening.Extract.Truncated";
    public const string Refused = "Screening.Extract.Refused";
    public const string TimedOut = "Screening.Extract.TimedOut";

    /// <summary>A PDF page that carries an image but (almost) no text: a scan, which the machine cannot read.</summary>
    public const string Scanned = "Screening.Extract.Scanned";

    /// <summary>Fewer non-blank characters than this on a page with an image make the page a scan (a page number, a stamp's caption).</summary>
    public const int ScannedPageMaxChars = 20;

    /// <summary>The audit action of the 保密员's manual review of an unreadable file; its target is <c>file:{sha256}</c>.</summary>
    public const string ManualReviewAction = "AttachmentManuallyReviewed";

    /// <summary>
    /// Fail closed: every note means some of the file's text was not screened (unreadable, missing,
    /// over the size or time bounds, cut short), so every note blocks.
    /// </summary>
    public static bool BlocksScreening(string? note) => note is Missing or Failed or Truncated or Refused or TimedOut or Scanned;

    /// <summary>A missing file cannot be read by a person either: it blocks until the file is back.</summary>
    public static bool MayBeReviewedByHand(string? note) => BlocksScreening(note) && note != Missing;

    /// <summary>At most this many characters per file are screened (about 4 MB of UTF-16).</summary>
    public const int MaxChars = 2_000_000;

    public const string DocxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    static AttachmentTextExtractor() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static bool CanExtract(string contentType) => contentType is "application/pdf" or DocxType or "text/plain";

    /// <summary>The cached text of a stored file, extracting it first if needed.</summary>
    public ExtractedText Get(IScreenedFile attachment)
    {
        if (!CanExtract(attachment.ContentType))
        {
            return new ExtractedText([], null);
        }

        using (var db = dbFactory.CreateDbContext())
        {
            if (db.AttachmentTexts.AsNoTracking().SingleOrDefault(t => t.Sha256 == attachment.Sha256) is { } cached)
            {
                var parts = JsonSerializer.Deserialize<List<TextPart>>(cached.PartsJson, Json) ?? [];
                if (!(cached.Note is null && attachment.ContentType == "application/pdf" && parts.Any(p => p.Part == "page" && IsNearlyEmpty(p.Text))))
                {
                    return new ExtractedText(parts, cached.Note);
                }

                // Cached before scans were recognised (a page with next to no text passed): read it again.
                db.AttachmentTexts.Where(t => t.Sha256 == attachment.Sha256).ExecuteDelete();
            }
        }

        ExtractedText extracted;
        using (var stream = files.OpenRead(attachment.Sha256))
        {
            if (stream is null)
            {
                extracted = new ExtractedText([], Missing);
            }
            else
            {
                // A hostile file may make a parser spin: past the time bound the file counts as unread
                // (fail closed) and the abandoned parse ends with the stream it reads being closed.
                var options = limits.Value;
                var work = Task.Run(() => Extract(stream, attachment.ContentType, options, logger));
                extracted = work.Wait(TimeSpan.FromSeconds(options.TimeoutSeconds)) ? work.Result : new ExtractedText([], TimedOut);
            }
        }

        if (extracted.Note is Missing or TimedOut)
        {
            return extracted; // not cached: the file may come back (restore), the machine may be less busy
        }

        try
        {
            using var db = dbFactory.CreateDbContext();
            db.AttachmentTexts.Add(new AttachmentText { Sha256 = attachment.Sha256, PartsJson = JsonSerializer.Serialize(extracted.Parts, Json), Note = extracted.Note, ExtractedAt = clock.GetUtcNow() });
            db.SaveChanges();
        }
        catch (DbUpdateException)
        {
            // Extracted concurrently by another screening: the stored copy is the same text.
        }

        return extracted;
    }

    /// <summary>The 保密员's manual review of this file, if one is on record (the audit chain is the record).</summary>
    public ManualReview? ManualReviewOf(string sha256)
    {
        var target = "file:" + sha256;
        using var db = dbFactory.CreateDbContext();
        return db.AuditRecords.AsNoTracking()
            .Where(a => a.Action == ManualReviewAction && a.Target == target && a.Outcome == Audit.AuditOutcome.Success)
            .OrderByDescending(a => a.Id)
            .Select(a => new ManualReview(a.ActorName, a.At, a.Detail))
            .FirstOrDefault();
    }

    /// <summary>Extracts text from a stream of the given sniffed type.</summary>
    public static ExtractedText Extract(Stream stream, string contentType, ILogger? logger = null) => Extract(stream, contentType, new ExtractionLimits(), logger);

    /// <summary>Extracts text from a stream of the given sniffed type, a zip container only after <see cref="ZipGuard"/> passed it.</summary>
    public static ExtractedText Extract(Stream stream, string contentType, ExtractionLimits limits, ILogger? logger = null)
    {
        try
        {
            // Over the bounds: refused unread. A zip too damaged to list goes on to the parser and fails there.
            if (contentType == DocxType && ZipGuard.Check(stream, limits) == "Uploads.UnsafeArchive")
            {
                return new ExtractedText([], Refused);
            }

            var scanned = false;
            var parts = contentType switch
            {
                "application/pdf" => Pdf(stream, out scanned),
                DocxType => Docx(stream),
                "text/plain" => [new TextPart("text", null, PlainText(stream))],
                _ => [],
            };
            var capped = Cap(parts);
            // Fail closed (ADR 0029): a scanned page's words are in pixels the screening never saw.
            return scanned && capped.Note is null ? capped with { Note = Scanned } : capped;
        }
#pragma warning disable CA1031 // a broken or hostile file must give a note, never a 500
        catch (Exception ex)
#pragma warning restore CA1031
        {
            logger?.LogWarning(ex, "Could not extract text from a {ContentType} attachment", contentType);
            return new ExtractedText([], Failed);
        }
    }

    private static ExtractedText Cap(List<TextPart> parts)
    {
        var total = 0;
        var kept = new List<TextPart>();
        foreach (var part in parts)
        {
            if (total + part.Text.Length > MaxChars)
            {
                kept.Add(part with { Text = part.Text[..(MaxChars - total)] });
                return new ExtractedText(kept, Truncated);
            }

            total += part.Text.Length;
            kept.Add(part);
        }

        return new ExtractedText(kept, null);
    }

    private static List<TextPart> Pdf(Stream stream, out bool scanned)
    {
        using var document = PdfDocument.Open(stream);
        var parts = new List<TextPart>();
        scanned = false;
        foreach (var page in document.GetPages())
        {
            parts.Add(new TextPart("page", page.Number, page.Text));
            if (!scanned && IsNearlyEmpty(page.Text) && page.GetImages().Any())
            {
                scanned = true;
            }
        }

        return parts;
    }

    private static bool IsNearlyEmpty(string text)
    {
        var count = 0;
        foreach (var c in text)
        {
            if (!char.IsWhiteSpace(c) && ++count >= ScannedPageMaxChars)
            {
                return false;
            }
        }

        return true;
    }

    private static List<TextPart> Docx(Stream stream)
    {
        using var document = WordprocessingDocument.Open(stream, false);
        var main = document.MainDocumentPart;
        var parts = new List<TextPart>();
        if (main is null)
        {
            return parts;
        }

        void Add(string part, DocumentFormat.OpenXml.OpenXmlElement? root)
        {
            if (root is null)
            {
                return;
            }

            // One line per paragraph, so words of neighbouring paragraphs never join into a term.
            var paragraphs = root.Descendants<W.Paragraph>().Select(p => p.InnerText).ToList();
            var text = paragraphs.Count > 0 ? string.Join('\n', paragraphs) : root.InnerText;
            if (text.Length > 0)
            {
                parts.Add(new TextPart(part, null, text));
            }
        }

        Add("body", main.Document?.Body);
        foreach (var header in main.HeaderParts)
        {
            Add("header", header.Header);
        }

        foreach (var footer in main.FooterParts)
        {
            Add("footer", footer.Footer);
        }

        Add("footnotes", main.FootnotesPart?.Footnotes);
        Add("endnotes", main.EndnotesPart?.Endnotes);
        Add("comments", main.WordprocessingCommentsPart?.Comments);
        return parts;
    }

    private static string PlainText(Stream stream)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return Encoding.UTF8.GetString(bytes[3..]);
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return Encoding.Unicode.GetString(bytes[2..]);
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return Encoding.BigEndianUnicode.GetString(bytes[2..]);
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.GetEncoding("GB18030").GetString(bytes);
        }
    }
}
