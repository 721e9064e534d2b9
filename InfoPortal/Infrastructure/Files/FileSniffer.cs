using System.IO.Compression;
using System.Text;

namespace InfoPortal.Infrastructure.Files;

/// <summary>What a file really is, judged by its bytes; and which extensions that kind may carry.</summary>
public sealed record FileKind(string ContentType, string[] Extensions)
{
    public bool IsImage => ContentType.StartsWith("image/", StringComparison.Ordinal);

    public bool IsVideo => ContentType.StartsWith("video/", StringComparison.Ordinal);
}

/// <summary>
/// The upload allow-list, decided by content, never by the name: images (PNG, JPEG, GIF, WebP),
/// MP4 video, PDF, Word .docx, Excel .xlsx and UTF-8 text. A name whose extension does not fit
/// the content is refused too (a PNG called .pdf, an .exe called .jpg).
/// </summary>
public static class FileSniffer
{
    public static readonly FileKind Png = new("image/png", [".png"]);
    public static readonly FileKind Jpeg = new("image/jpeg", [".jpg", ".jpeg"]);
    public static readonly FileKind Gif = new("image/gif", [".gif"]);
    public static readonly FileKind Webp = new("image/webp", [".webp"]);
    public static readonly FileKind Mp4 = new("video/mp4", [".mp4", ".m4v"]);
    public static readonly FileKind Pdf = new("application/pdf", [".pdf"]);
    public static readonly FileKind Docx = new("application/vnd.openxmlformats-officedocument.wordprocessingml.document", [".docx"]);
    public static readonly FileKind Xlsx = new("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", [".xlsx"]);
    public static readonly FileKind Text = new("text/plain", [".txt"]);

    /// <summary>The kind of the content, or null when it is not on the allow-list.</summary>
    public static FileKind? Sniff(Stream content)
    {
        Span<byte> head = stackalloc byte[16];
        content.Position = 0;
        var read = content.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        head = head[..read];
        content.Position = 0;

        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])) return Png;
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) return Jpeg;
        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8)) return Gif;
        if (read >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8)) return Webp;
        if (read >= 12 && head[4..8].SequenceEqual("ftyp"u8)) return Mp4;
        if (head.StartsWith("%PDF-"u8)) return Pdf;
        if (head.StartsWith((ReadOnlySpan<byte>)[0x50, 0x4B, 0x03, 0x04])) return SniffOfficeZip(content);
        return LooksLikeUtf8Text(content) ? Text : null;
    }

    private static FileKind? SniffOfficeZip(Stream content)
    {
        try
        {
            using var zip = new ZipArchive(content, ZipArchiveMode.Read, leaveOpen: true);
            var names = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
            if (!names.Contains("[Content_Types].xml"))
            {
                return null;
            }

            // Macro-enabled documents carry vbaProject.bin: not on the list.
            if (names.Any(n => n.EndsWith("vbaProject.bin", StringComparison.OrdinalIgnoreCase)))
            {
                return null;
            }

            return names.Contains("word/document.xml") ? Docx : names.Contains("xl/workbook.xml") ? Xlsx : null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
        finally
        {
            content.Position = 0;
        }
    }

    private static bool LooksLikeUtf8Text(Stream content)
    {
        var buffer = new byte[64 * 1024];
        var read = content.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        content.Position = 0;
        if (read == 0)
        {
            return false;
        }

        var span = buffer.AsSpan(0, read);
        if (span.Contains((byte)0))
        {
            return false;
        }

        // A multi-byte character may be cut at the end of the sample: allow up to 3 trailing bytes.
        var decoder = new UTF8Encoding(false, throwOnInvalidBytes: true);
        for (var trim = 0; trim <= Math.Min(3, read - 1); trim++)
        {
            try
            {
                decoder.GetCharCount(span[..(read - trim)]);
                return true;
            }
            catch (DecoderFallbackException)
            {
            }
        }

        return false;
    }
}
