using System.Globalization;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace InfoPortal.Infrastructure.Pdf;

/// <summary>A rendered PDF, the hash of the model it was rendered from, and its page count.</summary>
public sealed record RenderedPdf(byte[] Bytes, string ContentHash, int PageCount)
{
    /// <summary>What the footer prints: the first 16 hex digits of <see cref="ContentHash"/>.</summary>
    public string ShortHash => ContentHash[..16];
}

/// <summary>
/// Renders a <see cref="PdfDocumentModel"/> onto A4 pages with PDFsharp: flowing paragraphs with
/// Chinese line breaking (<see cref="LineBreaker"/>), automatic page breaks, bordered tables
/// whose header rows repeat on every page, form grids, signature blocks. Headers and footers are
/// drawn after the body (a second pass over the finished pages), so "第 X 页 / 共 Y 页" knows Y.
/// The output depends only on the model and the generation time.
/// </summary>
public static class PdfComposer
{
    private const double Margin = PdfLayout.Margin;
    private const double HeaderSpace = 36;

    /// <summary>
    /// At most one print per core renders at a time; the others wait their turn, first come
    /// first served (<see cref="SemaphoreSlim.WaitAsync(CancellationToken)"/> queues its waiters
    /// in order). Eight renders sharing two cores all finish late; taking turns, each finishes
    /// in its own few milliseconds after its wait, so the slowest answers come sooner (ADR 0054).
    /// </summary>
    private static readonly SemaphoreSlim PrintGate = new(Environment.ProcessorCount);

    private static int printing;
    private static int mostPrinting;

    /// <summary>The most prints that ever rendered at once in this process (never more than the cores).</summary>
    internal static int MostPrintingAtOnce => Volatile.Read(ref mostPrinting);

    /// <param name="kept">
    /// For a copy kept for ever (the archive): deflate at the default level, a third smaller.
    /// Prints use the fastest level: a quarter less time per render, a half larger file (ADR 0054).
    /// </param>
    public static RenderedPdf Render(PdfDocumentModel model, DateTimeOffset generatedAt, bool kept = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        PdfFonts.EnsureRegistered();
        var hash = model.ContentHash();
        using var document = new PdfDocument();
        document.Info.Title = model.Title;
        document.Info.Author = model.Author;
        document.Info.Subject = model.Subject;
        document.Info.Creator = "InfoPortal";
        document.Info.CreationDate = generatedAt.UtcDateTime;
        document.Info.ModificationDate = generatedAt.UtcDateTime;
        document.Info.Keywords = $"sha256:{hash}";
        document.Options.CompressContentStreams = true;
        // Deflating the embedded font subsets at the default level was two thirds of a render
        // (dotnet-trace, ADR 0054).
        document.Options.FlateEncodeMode = kept ? PdfFlateEncodeMode.Default : PdfFlateEncodeMode.BestSpeed;

        var layout = new PdfLayout(document);
        foreach (var block in model.Blocks)
        {
            layout.Draw(block);
        }

        layout.Finish();
        DrawHeadersAndFooters(document, model, hash, generatedAt);
        var pages = document.PageCount;
        using var output = new MemoryStream();
        document.Save(output, false);
        return new RenderedPdf(output.ToArray(), hash, pages);
    }

    /// <summary>
    /// <see cref="Render"/> for a print someone is waiting for (a form, a report): it takes its
    /// turn at the print gate. A caller who gives up while waiting (<paramref name="cancellationToken"/>)
    /// leaves the queue; a render once started finishes.
    /// </summary>
    public static async Task<RenderedPdf> RenderAsync(PdfDocumentModel model, DateTimeOffset generatedAt, CancellationToken cancellationToken = default)
    {
        await PrintGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = Interlocked.Increment(ref printing);
            for (var most = Volatile.Read(ref mostPrinting); now > most && Interlocked.CompareExchange(ref mostPrinting, now, most) != most; most = Volatile.Read(ref mostPrinting))
            {
            }

            return Render(model, generatedAt);
        }
        finally
        {
            Interlocked.Decrement(ref printing);
            PrintGate.Release();
        }
    }

    /// <summary>
    /// A book: every part starts on a new page, and a contents built from the parts' first pages
    /// (1-based, counting the contents itself) goes in front. <paramref name="parts"/> is read once,
    /// lazily, so the caller can load its data in batches. The hash covers the book's model and
    /// every part, in order. The contents is laid out until its own length is stable (its page
    /// count decides the numbers it prints).
    /// </summary>
    public static RenderedPdf RenderBook(PdfDocumentModel book, IEnumerable<IReadOnlyList<PdfBlock>> parts,
        Func<IReadOnlyList<int>, IReadOnlyList<PdfBlock>> contents, DateTimeOffset generatedAt)
    {
        ArgumentNullException.ThrowIfNull(book);
        PdfFonts.EnsureRegistered();
        using var hasher = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        hasher.AppendData(System.Text.Encoding.UTF8.GetBytes(book.CanonicalJson()));
        using var document = new PdfDocument();
        document.Info.Title = book.Title;
        document.Info.Author = book.Author;
        document.Info.Subject = book.Subject;
        document.Info.Creator = "InfoPortal";
        document.Info.CreationDate = generatedAt.UtcDateTime;
        document.Info.ModificationDate = generatedAt.UtcDateTime;
        document.Options.CompressContentStreams = true;
        // Deflating the embedded font subsets at the default level was two thirds of a render
        // (dotnet-trace, ADR 0054). A book is printed, not kept.
        document.Options.FlateEncodeMode = PdfFlateEncodeMode.BestSpeed;

        var layout = new PdfLayout(document);
        var starts = new List<int>();
        foreach (var part in parts)
        {
            hasher.AppendData(System.Text.Encoding.UTF8.GetBytes(PdfDocumentModel.CanonicalJsonOf(part)));
            layout.NewPage();
            starts.Add(document.PageCount - 1);
            foreach (var block in part)
            {
                layout.Draw(block);
            }
        }

        layout.Finish();
        var bodyPages = document.PageCount;
        var contentPages = 1;
        for (var attempt = 0; ; attempt++)
        {
            var shifted = starts.Select(s => s + contentPages + 1).ToList();
            layout.NewPage();
            foreach (var block in contents(shifted))
            {
                layout.Draw(block);
            }

            layout.Finish();
            var laidOut = document.PageCount - bodyPages;
            if (laidOut == contentPages || attempt == 3)
            {
                break;
            }

            while (document.PageCount > bodyPages)
            {
                document.Pages.RemoveAt(document.PageCount - 1);
            }

            contentPages = laidOut;
        }

        for (var i = 0; i < document.PageCount - bodyPages; i++)
        {
            document.Pages.MovePage(bodyPages + i, i);
        }

        var hash = Convert.ToHexStringLower(hasher.GetHashAndReset());
        document.Info.Keywords = $"sha256:{hash}";
        DrawHeadersAndFooters(document, book, hash, generatedAt);
        var pages = document.PageCount;
        using var output = new MemoryStream();
        document.Save(output, false);
        return new RenderedPdf(output.ToArray(), hash, pages);
    }

    private static void DrawHeadersAndFooters(PdfDocument document, PdfDocumentModel model, string hash, DateTimeOffset generatedAt)
    {
        var small = PdfTextFonts.For(PdfTextStyle.Small, false);
        var header = string.IsNullOrWhiteSpace(model.Header) ? model.Title : model.Header;
        var time = generatedAt.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);
        var note = string.Format(CultureInfo.InvariantCulture, model.Labels.Footer, time, hash[..16]);
        var count = document.PageCount;
        for (var i = 0; i < count; i++)
        {
            var page = document.Pages[i];
            using var gfx = XGraphics.FromPdfPage(page, XGraphicsPdfPageOptions.Append);
            var width = page.Width.Point;
            var height = page.Height.Point;
            PdfTextFonts.Draw(gfx, header, small, XBrushes.DimGray, new XRect(Margin, Margin - HeaderSpace + 8, width - 2 * Margin, 14), XStringFormats.TopLeft);
            gfx.DrawLine(PdfPens.Thin, Margin, Margin - 10, width - Margin, Margin - 10);
            var footerTop = height - Margin + 10;
            gfx.DrawLine(PdfPens.Thin, Margin, footerTop, width - Margin, footerTop);
            var pageOf = string.Format(CultureInfo.InvariantCulture, model.Labels.PageOf, i + 1, count);
            PdfTextFonts.Draw(gfx, pageOf, small, XBrushes.Black, new XRect(Margin, footerTop + 4, width - 2 * Margin, 12), XStringFormats.TopCenter);
            PdfTextFonts.Draw(gfx, note, small, XBrushes.DimGray, new XRect(Margin, footerTop + 17, width - 2 * Margin, 12), XStringFormats.TopLeft);
        }
    }
}
