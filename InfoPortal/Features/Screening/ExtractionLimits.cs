using System.IO.Compression;

namespace InfoPortal.Features.Screening;

/// <summary>
/// Bounds on reading an attachment's text (<c>Screening:Extraction</c>; issue 10 item 11, ADR 0024).
/// A .docx or .xlsx is a zip: its entries are inflated through a counter before anything parses
/// them, so a zip bomb (1 MB holding a 1 GiB <c>word/document.xml</c>) is refused at upload and
/// never reaches the XML parser; extraction as a whole has a time limit.
/// </summary>
public sealed class ExtractionLimits
{
    public const string Section = "Screening:Extraction";

    /// <summary>At most this many entries in one zip.</summary>
    public int MaxEntries { get; set; } = 2_000;

    /// <summary>At most this many bytes in one inflated entry (a real document.xml is a few MB).</summary>
    public long MaxEntryBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>At most this many inflated bytes in all entries together.</summary>
    public long MaxTotalBytes { get; set; } = 128L * 1024 * 1024;

    /// <summary>Inflated ÷ compressed for one entry larger than 1 MB; XML compresses 10–30×, bombs 1000×.</summary>
    public int MaxRatio { get; set; } = 200;

    /// <summary>Extraction of one file longer than this is given up (and the file blocks until a person reads it).</summary>
    public int TimeoutSeconds { get; set; } = 30;
}

/// <summary>Checks a zip container against <see cref="ExtractionLimits"/> by inflating every entry through a counter.</summary>
public static class ZipGuard
{
    /// <summary>Null when the zip is within the limits, else the resource key of what is wrong (Uploads.Unsafe*). Leaves the stream at 0.</summary>
    public static string? Check(Stream stream, ExtractionLimits limits)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(limits);
        stream.Position = 0;
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            if (zip.Entries.Count > limits.MaxEntries)
            {
                return "Uploads.UnsafeArchive";
            }

            // The sizes the central directory declares first (cheap), then the bytes that really come out.
            long declared = 0;
            foreach (var entry in zip.Entries)
            {
                declared += entry.Length;
                if (entry.Length > limits.MaxEntryBytes || declared > limits.MaxTotalBytes ||
                    (entry.Length > 1024 * 1024 && entry.Length > (long)limits.MaxRatio * Math.Max(1, entry.CompressedLength)))
                {
                    return "Uploads.UnsafeArchive";
                }
            }

            var buffer = new byte[81920];
            long total = 0;
            foreach (var entry in zip.Entries)
            {
                long inflated = 0;
                using var content = entry.Open();
                int read;
                while ((read = content.Read(buffer, 0, buffer.Length)) > 0)
                {
                    inflated += read;
                    total += read;
                    if (inflated > limits.MaxEntryBytes || total > limits.MaxTotalBytes ||
                        (inflated > 1024 * 1024 && inflated > (long)limits.MaxRatio * Math.Max(1, entry.CompressedLength)))
                    {
                        return "Uploads.UnsafeArchive";
                    }
                }
            }

            return null;
        }
        catch (InvalidDataException)
        {
            return "Uploads.UnreadableArchive";
        }
        finally
        {
            stream.Position = 0;
        }
    }
}
