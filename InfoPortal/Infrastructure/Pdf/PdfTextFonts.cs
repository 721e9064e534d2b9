using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace InfoPortal.Infrastructure.Pdf;

/// <summary>
/// The fonts of each <see cref="PdfTextStyle"/>, regular and bold, made once per process: drawn in
/// the common cut of Noto Sans SC, and switched to the full face for a line the cut lacks (ADR 0054).
/// </summary>
internal static class PdfTextFonts
{
    private static readonly XPdfFontOptions Unicode = new(PdfFontEncoding.Unicode);

    /// <summary>Each style, regular and bold, in the common cut, with its full-face twin.</summary>
    private static readonly Dictionary<(PdfTextStyle, bool), XFont> Common = [];
    /// <summary>Made on first need: an XFont loads and parses its face (10 MB for the full one), and most processes never draw a rare character.</summary>
    private static readonly Dictionary<XFont, Lazy<XFont>> Full = [];

    static PdfTextFonts()
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
