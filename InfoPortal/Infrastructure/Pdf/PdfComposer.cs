using System.Globalization;
using PdfSharp;
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
    private const double Margin = 56.7; // 20 mm
    private const double HeaderSpace = 36;
    private const double FooterSpace = 40;
    private const double CellPadding = 4;

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

        var layout = new Layout(document);
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

        var layout = new Layout(document);
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
        var small = Fonts.For(PdfTextStyle.Small, false);
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
            Fonts.Draw(gfx, header, small, XBrushes.DimGray, new XRect(Margin, Margin - HeaderSpace + 8, width - 2 * Margin, 14), XStringFormats.TopLeft);
            gfx.DrawLine(Pens.Thin, Margin, Margin - 10, width - Margin, Margin - 10);
            var footerTop = height - Margin + 10;
            gfx.DrawLine(Pens.Thin, Margin, footerTop, width - Margin, footerTop);
            var pageOf = string.Format(CultureInfo.InvariantCulture, model.Labels.PageOf, i + 1, count);
            Fonts.Draw(gfx, pageOf, small, XBrushes.Black, new XRect(Margin, footerTop + 4, width - 2 * Margin, 12), XStringFormats.TopCenter);
            Fonts.Draw(gfx, note, small, XBrushes.DimGray, new XRect(Margin, footerTop + 17, width - 2 * Margin, 12), XStringFormats.TopLeft);
        }
    }

    private static class Pens
    {
        public static readonly XPen Thin = new(XColors.Gray, 0.5);
        public static readonly XPen Border = new(XColors.Black, 0.6);
    }

    internal static class Fonts
    {
        private static readonly XPdfFontOptions Unicode = new(PdfFontEncoding.Unicode);

        /// <summary>Each style, regular and bold, in the common cut, with its full-face twin.</summary>
        private static readonly Dictionary<(PdfTextStyle, bool), XFont> Common = [];
        /// <summary>Made on first need: an XFont loads and parses its face (10 MB for the full one), and most processes never draw a rare character.</summary>
        private static readonly Dictionary<XFont, Lazy<XFont>> Full = [];

        static Fonts()
        {
            PdfFonts.EnsureRegistered();
            foreach (var style in Enum.GetValues<PdfTextStyle>())
            {
                foreach (var bold in (bool[])[false, true])
                {
                    var (size, forceBold) = style switch
                    {
                        PdfTextStyle.Title => (18.0, true),
                        PdfTextStyle.Heading => (13.0, true),
                        PdfTextStyle.Small => (8.5, false),
                        _ => (10.5, false),
                    };
                    var weight = bold || forceBold ? XFontStyleEx.Bold : XFontStyleEx.Regular;
                    var common = new XFont(PdfFonts.CommonFamily, size, weight, Unicode);
                    Common[(style, bold)] = common;
                    Full[common] = new(() => new XFont(PdfFonts.Family, size, weight, Unicode));
                }
            }
        }

        /// <summary>The style's font in the common cut; <see cref="Draw"/> and <see cref="Measure"/> switch a line the cut lacks to the full face.</summary>
        public static XFont For(PdfTextStyle style, bool bold) => Common[(style, bold)];

        /// <summary>The face that draws every character of <paramref name="text"/>: the common cut when it can (ADR 0054).</summary>
        public static XFont Face(string text, XFont font) => PdfFonts.Covers(text) ? font : Full[font].Value;

        public static void Draw(XGraphics gfx, string text, XFont font, XBrush brush, XRect rect, XStringFormat format) =>
            gfx.DrawString(text, Face(text, font), brush, rect, format);

        public static double Measure(XGraphics gfx, string text, XFont font) => gfx.MeasureString(text, Face(text, font)).Width;

        /// <summary>Line advance: Noto's own line spacing is generous, so 1.35 × the size reads better.</summary>
        public static double LineHeight(XFont font) => font.Size * 1.35;
    }

    /// <summary>The body pass: keeps the current page, its graphics and the cursor.</summary>
    private sealed class Layout(PdfDocument document)
    {
        private PdfPage? page;
        private XGraphics? gfx;
        private double y;

        private double Left => Margin;

        private double Width => page!.Width.Point - 2 * Margin;

        private double Bottom => page!.Height.Point - Margin;

        private double Top => Margin;

        private XGraphics Gfx
        {
            get
            {
                if (gfx is null)
                {
                    NewPage();
                }

                return gfx!;
            }
        }

        public void NewPage()
        {
            gfx?.Dispose();
            page = document.AddPage();
            page.Size = PageSize.A4;
            gfx = XGraphics.FromPdfPage(page);
            y = Top;
        }

        public void Finish()
        {
            _ = Gfx; // an empty model still gives one page
            gfx!.Dispose();
            gfx = null;
        }

        public void Draw(PdfBlock block)
        {
            _ = Gfx;
            switch (block)
            {
                case PdfParagraph p:
                    Paragraph(p);
                    break;
                case PdfSpacer s:
                    y += s.Height;
                    if (y > Bottom)
                    {
                        NewPage();
                    }

                    break;
                case PdfTable t:
                    Table(t);
                    break;
                case PdfKeyValueGrid g:
                    Table(new PdfTable(
                        [g.LabelWidth, 1 - g.LabelWidth], [],
                        [.. g.Items.Select(i => new PdfRow([new PdfCell(i.Key, Bold: true, Shaded: true), new PdfCell(i.Value)]))]));
                    break;
                case PdfSignatureBlock s:
                    Signatures(s);
                    break;
                default:
                    throw new NotSupportedException(block.GetType().Name);
            }
        }

        /// <summary>Widths of the short pieces the line breaker asks for (one character, a word), per font, for this document.</summary>
        private readonly Dictionary<(XFont Font, string Text), double> widths = [];

        private IReadOnlyList<string> Lines(string text, XFont font, double width) =>
            LineBreaker.Break(text, width, s => Measure(s, font));

        private double Measure(string text, XFont font)
        {
            if (text.Length > 8)
            {
                return Fonts.Measure(Gfx, text, font);
            }

            if (!widths.TryGetValue((font, text), out var measured))
            {
                measured = Fonts.Measure(Gfx, text, font);
                widths[(font, text)] = measured;
            }

            return measured;
        }

        private void Paragraph(PdfParagraph p)
        {
            var font = Fonts.For(p.Style, p.Bold);
            var lineHeight = Fonts.LineHeight(font);
            if (p.Style == PdfTextStyle.Heading && y > Top)
            {
                y += 6;
            }

            var lines = Lines(p.Text, font, Width);
            // A heading is not left alone at the foot of a page.
            var keep = p.Style is PdfTextStyle.Heading or PdfTextStyle.Title ? lines.Count * lineHeight + 3 * Fonts.LineHeight(Fonts.For(PdfTextStyle.Body, false)) : lineHeight;
            if (y + keep > Bottom && y > Top)
            {
                NewPage();
            }

            foreach (var line in lines)
            {
                if (y + lineHeight > Bottom)
                {
                    NewPage();
                }

                var format = p.Centered ? XStringFormats.TopCenter : XStringFormats.TopLeft;
                Fonts.Draw(Gfx, line, font, XBrushes.Black, new XRect(Left, y, Width, lineHeight), format);
                y += lineHeight;
            }

            y += p.Style switch
            {
                PdfTextStyle.Title => 10,
                PdfTextStyle.Heading => 4,
                _ => 3,
            };
        }

        private void Table(PdfTable table)
        {
            var total = table.ColumnWidths.Sum();
            var widths = table.ColumnWidths.Select(w => w / total * Width).ToArray();
            var lineHeight = Fonts.LineHeight(Fonts.For(table.Style, false));

            List<string>[] Wrap(PdfRow row) =>
                [.. widths.Select((w, c) => c < row.Cells.Count
                    ? Lines(row.Cells[c].Text, Fonts.For(table.Style, row.Cells[c].Bold), w - 2 * CellPadding).ToList()
                    : [])];

            var headers = table.HeaderRows.Select(r => (Row: r, Lines: Wrap(r))).ToList();
            var headerHeight = headers.Sum(h => RowHeight(h.Lines, lineHeight));

            void DrawHeaders()
            {
                foreach (var (row, lines) in headers)
                {
                    DrawChunk(row, lines, int.MaxValue, widths, table.Style, lineHeight, header: true);
                }
            }

            if (y + headerHeight + lineHeight + 2 * CellPadding > Bottom)
            {
                NewPage();
            }

            DrawHeaders();
            var rowsOnPage = 0;
            foreach (var row in table.Rows)
            {
                var lines = Wrap(row);
                while (true)
                {
                    var needed = RowHeight(lines, lineHeight);
                    var available = Bottom - y;
                    if (needed <= available)
                    {
                        DrawChunk(row, lines, int.MaxValue, widths, table.Style, lineHeight, header: false);
                        rowsOnPage++;
                        break;
                    }

                    var fullPage = Bottom - Top - headerHeight;
                    var fit = (int)Math.Floor((available - 2 * CellPadding) / lineHeight);
                    if ((rowsOnPage > 0 && needed <= fullPage) || fit < 1)
                    {
                        NewPage();
                        DrawHeaders();
                        rowsOnPage = 0;
                        continue;
                    }

                    // Taller than a page: draw what fits here, the rest continues on the next page.
                    DrawChunk(row, lines, fit, widths, table.Style, lineHeight, header: false);
                    foreach (var cell in lines)
                    {
                        cell.RemoveRange(0, Math.Min(fit, cell.Count));
                    }

                    NewPage();
                    DrawHeaders();
                    rowsOnPage = 0;
                }
            }

            y += 6;
        }

        private static double RowHeight(IEnumerable<List<string>> cells, double lineHeight) =>
            Math.Max(1, cells.Max(c => c.Count)) * lineHeight + 2 * CellPadding;

        private void DrawChunk(PdfRow row, List<string>[] cells, int maxLines, double[] widths, PdfTextStyle style, double lineHeight, bool header)
        {
            var count = Math.Max(1, Math.Min(maxLines, cells.Max(c => c.Count)));
            var height = count * lineHeight + 2 * CellPadding;
            var x = Left;
            for (var c = 0; c < widths.Length; c++)
            {
                var cell = c < row.Cells.Count ? row.Cells[c] : new PdfCell("");
                var shaded = cell.Shaded || header;
                if (shaded)
                {
                    Gfx.DrawRectangle(XBrushes.WhiteSmoke, x, y, widths[c], height);
                }

                Gfx.DrawRectangle(Pens.Border, x, y, widths[c], height);
                var font = Fonts.For(style, cell.Bold || header);
                for (var l = 0; l < Math.Min(count, cells[c].Count); l++)
                {
                    Fonts.Draw(Gfx, cells[c][l], font, XBrushes.Black, new XRect(x + CellPadding, y + CellPadding + l * lineHeight, widths[c] - 2 * CellPadding, lineHeight), XStringFormats.TopLeft);
                }

                x += widths[c];
            }

            y += height;
        }

        private void Signatures(PdfSignatureBlock block)
        {
            var font = Fonts.For(PdfTextStyle.Body, false);
            var bold = Fonts.For(PdfTextStyle.Body, true);
            var lineHeight = Fonts.LineHeight(font) + 10;
            if (y + block.Signatures.Count * lineHeight > Bottom && y > Top)
            {
                NewPage();
            }

            var labelWidth = Width * 0.3;
            var nameWidth = Width * 0.35;
            foreach (var signature in block.Signatures)
            {
                if (y + lineHeight > Bottom)
                {
                    NewPage();
                }

                var baseline = y + lineHeight - 6;
                Fonts.Draw(Gfx, LineBreaker.Break(signature.Label, labelWidth - 8, s => Fonts.Measure(Gfx, s, bold))[0], bold, XBrushes.Black, new XRect(Left, y + 4, labelWidth, lineHeight), XStringFormats.TopLeft);
                Fonts.Draw(Gfx, signature.Name, font, XBrushes.Black, new XRect(Left + labelWidth, y + 4, nameWidth - 12, lineHeight), XStringFormats.TopLeft);
                Gfx.DrawLine(Pens.Border, Left + labelWidth, baseline, Left + labelWidth + nameWidth - 12, baseline);
                Fonts.Draw(Gfx, signature.Date, font, XBrushes.Black, new XRect(Left + labelWidth + nameWidth, y + 4, Width - labelWidth - nameWidth, lineHeight), XStringFormats.TopLeft);
                Gfx.DrawLine(Pens.Border, Left + labelWidth + nameWidth, baseline, Left + Width, baseline);
                y += lineHeight;
            }

            y += 6;
        }
    }
}
