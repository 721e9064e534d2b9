using System.Text;
using System.Text.Json;
using DocumentFormat.OpenXml.Packaging;
using InfoPortal.Data;
using InfoPortal.Features.Requests;
using InfoPortal.Infrastructure.Files;
using Microsoft.EntityFrameworkCore;
using UglyToad.PdfPig;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace InfoPortal.Features.Screening;

/// <summary>One piece of an attachment's text: <see cref="Part"/> is body/header/footer/footnotes/endnotes/comments/text, or page for a PDF.</summary>
public sealed record TextPart(string Part, int? Page, string Text);

/// <summary>What was extracted from one file; <see cref="Note"/> is a resource key when extraction failed or was cut short.</summary>
public sealed record ExtractedText(IReadOnlyList<TextPart> Parts, string? Note);

/// <summary>
/// Text of .docx (body, headers, footers, footnotes, endnotes, comments), .pdf (page by page) and
/// .txt (UTF-8 with or without BOM, UTF-16 with BOM, else GB18030) attachments, extracted once per
/// SHA-256 and kept in <see cref="AttachmentText"/> so rescans are cheap. Never throws for a bad
/// file: the screening gets a note instead.
/// </summary>
public sealed class AttachmentTextExtractor(IDbContextFactory<PortalDbContext> dbFactory, FileStore files, TimeProvider clock, ILogger<AttachmentTextExtractor> logger)
{
    /// <summary>At most this many characters per file are screened (about 4 MB of UTF-16).</summary>
    public const int MaxChars = 2_000_000;

    public const string DocxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    static AttachmentTextExtractor() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static bool CanExtract(string contentType) => contentType is "application/pdf" or DocxType or "text/plain";

    /// <summary>The cached text of a stored file, extracting it first if needed.</summary>
    public ExtractedText Get(Attachment attachment)
    {
        if (!CanExtract(attachment.ContentType))
        {
            return new ExtractedText([], null);
        }

        using (var db = dbFactory.CreateDbContext())
        {
            if (db.AttachmentTexts.AsNoTracking().SingleOrDefault(t => t.Sha256 == attachment.Sha256) is { } cached)
            {
                return new ExtractedText(JsonSerializer.Deserialize<List<TextPart>>(cached.PartsJson, Json) ?? [], cached.Note);
            }
        }

        ExtractedText extracted;
        using (var stream = files.OpenRead(attachment.Sha256))
        {
            extracted = stream is null ? new ExtractedText([], "Screening.Extract.Missing") : Extract(stream, attachment.ContentType, logger);
        }

        if (extracted.Note == "Screening.Extract.Missing")
        {
            return extracted; // not cached: the file may come back (restore)
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

    /// <summary>Extracts text from a stream of the given sniffed type.</summary>
    public static ExtractedText Extract(Stream stream, string contentType, ILogger? logger = null)
    {
        try
        {
            var parts = contentType switch
            {
                "application/pdf" => Pdf(stream),
                DocxType => Docx(stream),
                "text/plain" => [new TextPart("text", null, PlainText(stream))],
                _ => [],
            };
            return Cap(parts);
        }
#pragma warning disable CA1031 // a broken or hostile file must give a note, never a 500
        catch (Exception ex)
#pragma warning restore CA1031
        {
            logger?.LogWarning(ex, "Could not extract text from a {ContentType} attachment", contentType);
            return new ExtractedText([], "Screening.Extract.Failed");
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
                return new ExtractedText(kept, "Screening.Extract.Truncated");
            }

            total += part.Text.Length;
            kept.Add(part);
        }

        return new ExtractedText(kept, null);
    }

    private static List<TextPart> Pdf(Stream stream)
    {
        using var document = PdfDocument.Open(stream);
        var parts = new List<TextPart>();
        foreach (var page in document.GetPages())
        {
            parts.Add(new TextPart("page", page.Number, page.Text));
        }

        return parts;
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
