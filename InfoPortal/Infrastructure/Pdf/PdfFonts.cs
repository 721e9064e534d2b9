using System.Buffers.Binary;
using System.Collections;
using System.Reflection;
using PdfSharp.Fonts;

namespace InfoPortal.Infrastructure.Pdf;

/// <summary>
/// PDFsharp's font resolver over the Noto Sans SC faces embedded in the assembly, in two cuts:
/// <list type="bullet">
/// <item><see cref="CommonFamily"/>: GB 2312's characters (8,326 in all, 8,327 glyphs), which
/// almost every text uses. PDFsharp copies a face's whole hmtx and loca tables into every subset
/// it embeds, so a 申请表 drawn with this cut deflates a third of what the full face costs
/// (ADR 0054).</item>
/// <item><see cref="Family"/>: the full face (30,898 glyphs), for any line with a character the
/// common cut lacks (<see cref="Covers"/>): 喆, 堃, a rare surname, a character outside the BMP.
/// Both cuts have the same outlines and advance widths, so a line measures the same in
/// either.</item>
/// </list>
/// PDFsharp keeps one global resolver, so <see cref="EnsureRegistered"/> installs it once per
/// process; the font bytes are read once and shared.
/// </summary>
public sealed class PdfFonts : IFontResolver
{
    /// <summary>The full face.</summary>
    public const string Family = "Noto Sans SC";

    /// <summary>The GB 2312 cut (<c>Assets/Fonts/make-common.py</c>).</summary>
    public const string CommonFamily = "Noto Sans SC Common";

    private const string RegularFace = "NotoSansSC-Regular";
    private const string BoldFace = "NotoSansSC-Bold";
    private const string CommonRegularFace = "NotoSansSCCommon-Regular";
    private const string CommonBoldFace = "NotoSansSCCommon-Bold";

    private static readonly Lazy<byte[]> Regular = new(() => Load("InfoPortal.Fonts.NotoSansSC-Regular.ttf"));
    private static readonly Lazy<byte[]> Bold = new(() => Load("InfoPortal.Fonts.NotoSansSC-Bold.ttf"));
    private static readonly Lazy<byte[]> CommonRegular = new(() => Load("InfoPortal.Fonts.NotoSansSCCommon-Regular.ttf"));
    private static readonly Lazy<byte[]> CommonBold = new(() => Load("InfoPortal.Fonts.NotoSansSCCommon-Bold.ttf"));

    /// <summary>The BMP characters both common faces have a glyph for.</summary>
    private static readonly Lazy<BitArray> Common = new(() =>
        BmpCoverage(CommonRegular.Value).And(BmpCoverage(CommonBold.Value)));

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

    /// <summary>
    /// Whether the common cut draws every character of <paramref name="text"/>. A surrogate (a
    /// character outside the BMP) is never covered. Control characters are: the composer breaks
    /// lines on them and draws none.
    /// </summary>
    public static bool Covers(ReadOnlySpan<char> text)
    {
        var common = Common.Value;
        foreach (var c in text)
        {
            if (c >= ' ' && !common[c])
            {
                return false;
            }
        }

        return true;
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
        // Every other family maps onto the full face: the PDFs use no other, and a stray name must not fail a render.
        string.Equals(familyName, CommonFamily, StringComparison.OrdinalIgnoreCase)
            ? new(bold ? CommonBoldFace : CommonRegularFace)
            : new(bold ? BoldFace : RegularFace);

    public byte[]? GetFont(string faceName) => faceName switch
    {
        CommonRegularFace => CommonRegular.Value,
        CommonBoldFace => CommonBold.Value,
        BoldFace => Bold.Value,
        _ => Regular.Value,
    };

    /// <summary>
    /// The BMP characters a TrueType face maps to a glyph other than .notdef, read from its
    /// Windows Unicode BMP (3, 1) format 4 cmap subtable, the one PDFsharp reads.
    /// </summary>
    internal static BitArray BmpCoverage(ReadOnlySpan<byte> font)
    {
        var covered = new BitArray(0x10000);
        var cmap = TableOffset(font, "cmap"u8);
        var count = BinaryPrimitives.ReadUInt16BigEndian(font[(cmap + 2)..]);
        for (var i = 0; i < count; i++)
        {
            var record = font[(cmap + 4 + 8 * i)..];
            if (BinaryPrimitives.ReadUInt16BigEndian(record) != 3 || BinaryPrimitives.ReadUInt16BigEndian(record[2..]) != 1)
            {
                continue;
            }

            var table = font[(cmap + (int)BinaryPrimitives.ReadUInt32BigEndian(record[4..]))..];
            if (BinaryPrimitives.ReadUInt16BigEndian(table) != 4)
            {
                throw new InvalidDataException("The (3, 1) cmap subtable is not format 4.");
            }

            var segments = BinaryPrimitives.ReadUInt16BigEndian(table[6..]) / 2;
            var ends = 14;
            var starts = ends + 2 * segments + 2;
            var deltas = starts + 2 * segments;
            var offsets = deltas + 2 * segments;
            for (var s = 0; s < segments; s++)
            {
                int end = BinaryPrimitives.ReadUInt16BigEndian(table[(ends + 2 * s)..]);
                int start = BinaryPrimitives.ReadUInt16BigEndian(table[(starts + 2 * s)..]);
                int delta = BinaryPrimitives.ReadInt16BigEndian(table[(deltas + 2 * s)..]);
                int offset = BinaryPrimitives.ReadUInt16BigEndian(table[(offsets + 2 * s)..]);
                for (var c = start; c <= end && c < 0xFFFF; c++)
                {
                    var glyph = offset == 0
                        ? c + delta
                        : BinaryPrimitives.ReadUInt16BigEndian(table[(offsets + 2 * s + offset + 2 * (c - start))..]) is var g and not 0 ? g + delta : 0;
                    covered[c] = (glyph & 0xFFFF) != 0;
                }
            }

            return covered;
        }

        throw new InvalidDataException("The font has no (3, 1) cmap subtable.");
    }

    private static int TableOffset(ReadOnlySpan<byte> font, ReadOnlySpan<byte> tag)
    {
        var tables = BinaryPrimitives.ReadUInt16BigEndian(font[4..]);
        for (var i = 0; i < tables; i++)
        {
            var record = font[(12 + 16 * i)..];
            if (record[..4].SequenceEqual(tag))
            {
                return (int)BinaryPrimitives.ReadUInt32BigEndian(record[8..]);
            }
        }

        throw new InvalidDataException($"The font has no {System.Text.Encoding.ASCII.GetString(tag)} table.");
    }

    /// <summary>An embedded font's bytes by its resource name (<c>InfoPortal.Fonts.…</c>).</summary>
    internal static byte[] Load(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Font resource {name} is missing from the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
