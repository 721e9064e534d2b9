using System.Reflection;
using PdfSharp.Fonts;

namespace InfoPortal.Infrastructure.Pdf;

/// <summary>
/// PDFsharp's font resolver over the two Noto Sans SC faces embedded in the assembly. PDFsharp
/// keeps one global resolver, so <see cref="EnsureRegistered"/> installs it once per process;
/// the font bytes are read once and shared. PDFsharp embeds only the glyphs used (a subset).
/// </summary>
public sealed class PdfFonts : IFontResolver
{
    public const string Family = "Noto Sans SC";

    private const string RegularFace = "NotoSansSC-Regular";
    private const string BoldFace = "NotoSansSC-Bold";

    private static readonly Lazy<byte[]> Regular = new(() => Load("InfoPortal.Fonts.NotoSansSC-Regular.ttf"));
    private static readonly Lazy<byte[]> Bold = new(() => Load("InfoPortal.Fonts.NotoSansSC-Bold.ttf"));
    private static readonly Lock Gate = new();
    private static bool registered;

    public static void EnsureRegistered()
    {
        lock (Gate)
        {
            if (registered)
            {
                return;
            }

            if (GlobalFontSettings.FontResolver is not PdfFonts)
            {
                GlobalFontSettings.FontResolver = new PdfFonts();
            }

            registered = true;
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
        // Every family maps onto Noto Sans SC: the PDFs use no other face, and a stray name must not fail a render.
        new(bold ? BoldFace : RegularFace);

    public byte[]? GetFont(string faceName) => faceName switch
    {
        BoldFace => Bold.Value,
        _ => Regular.Value,
    };

    private static byte[] Load(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Font resource {name} is missing from the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
