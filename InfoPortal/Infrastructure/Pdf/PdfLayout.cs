using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace InfoPortal.Infrastructure.Pdf;

/// <summary>
/// The body pass of <see cref="PdfComposer"/>: flows paragraphs, tables, form grids and signature
/// blocks down A4 pages, keeping the current page, its graphics and the cursor, and starts a new
/// page where the next line or row does not fit.
/// </summary>
internal sealed class PdfLayout(PdfDocument document)
{
    /// <summary>20 mm on every side; the header and footer sit inside it.</summary>
    internal const double Margin = 56.7;
    private const double CellPadding = 4;

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
            return PdfTextFonts.Measure(Gfx, text, font);
        }

        if (!widths.TryGetValue((font, text), out var measured))
        {
            measured = PdfTextFonts.Measure(Gfx, text, font);
            widths[(font, text)] = measured;
        }

        return measured;
    }

    private void Paragraph(PdfParagraph p)
    {
        var font = PdfTextFonts.For(p.Style, p.Bold);
        var lineHeight = PdfTextFonts.LineHeight(font);
        if (p.Style == PdfTextStyle.Heading && y > Top)
        {
            y += 6;
        }

        var lines = Lines(p.Text, font, Width);
        // A heading is not left alone at the foot of a page.
        var keep = p.Style is PdfTextStyle.Heading or PdfTextStyle.Title ? lines.Count * lineHeight + 3 * PdfTextFonts.LineHeight(PdfTextFonts.For(PdfTextStyle.Body, false)) : lineHeight;
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
            PdfTextFonts.Draw(Gfx, line, font, XBrushes.Black, new XRect(Left, y, Width, lineHeight), format);
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
        var lineHeight = PdfTextFonts.LineHeight(PdfTextFonts.For(table.Style, false));

        List<string>[] Wrap(PdfRow row) =>
            [.. widths.Select((w, c) => c < row.Cells.Count
                ? Lines(row.Cells[c].Text, PdfTextFonts.For(table.Style, row.Cells[c].Bold), w - 2 * CellPadding).ToList()
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

            Gfx.DrawRectangle(PdfPens.Border, x, y, widths[c], height);
            var font = PdfTextFonts.For(style, cell.Bold || header);
            for (var l = 0; l < Math.Min(count, cells[c].Count); l++)
            {
                PdfTextFonts.Draw(Gfx, cells[c][l], font, XBrushes.Black, new XRect(x + CellPadding, y + CellPadding + l * lineHeight, widths[c] - 2 * CellPadding, lineHeight), XStringFormats.TopLeft);
            }

            x += widths[c];
        }

        y += height;
    }

    private void Signatures(PdfSignatureBlock block)
    {
        var font = PdfTextFonts.For(PdfTextStyle.Body, false);
        var bold = PdfTextFonts.For(PdfTextStyle.Body, true);
        var lineHeight = PdfTextFonts.LineHeight(font) + 10;
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
            PdfTextFonts.Draw(Gfx, LineBreaker.Break(signature.Label, labelWidth - 8, s => PdfTextFonts.Measure(Gfx, s, bold))[0], bold, XBrushes.Black, new XRect(Left, y + 4, labelWidth, lineHeight), XStringFormats.TopLeft);
            PdfTextFonts.Draw(Gfx, signature.Name, font, XBrushes.Black, new XRect(Left + labelWidth, y + 4, nameWidth - 12, lineHeight), XStringFormats.TopLeft);
            Gfx.DrawLine(PdfPens.Border, Left + labelWidth, baseline, Left + labelWidth + nameWidth - 12, baseline);
            PdfTextFonts.Draw(Gfx, signature.Date, font, XBrushes.Black, new XRect(Left + labelWidth + nameWidth, y + 4, Width - labelWidth - nameWidth, lineHeight), XStringFormats.TopLeft);
            Gfx.DrawLine(PdfPens.Border, Left + labelWidth + nameWidth, baseline, Left + Width, baseline);
            y += lineHeight;
        }

        y += 6;
    }
}

internal static class PdfPens
{
    public static readonly XPen Thin = new(XColors.Gray, 0.5);
    public static readonly XPen Border = new(XColors.Black, 0.6);
}
