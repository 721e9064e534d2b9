using System.Text;
using SkiaSharp;

namespace InfoPortal.Tests.TestSupport;

/// <summary>Small real files for upload tests, made in memory.</summary>
public static class TestFiles
{
    public static byte[] Png(int width = 40, int height = 30)
    {
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(SKColors.SteelBlue);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    public static byte[] Jpeg(int width = 40, int height = 30)
    {
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(SKColors.OrangeRed);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }

    /// <summary>
    /// A JPEG with an EXIF APP1 segment holding a GPS IFD (latitude 39°54'N, longitude 116°23'E)
    /// and a camera comment, as a phone would write it.
    /// </summary>
    public static byte[] JpegWithGps()
    {
        var jpeg = Jpeg();
        var tiff = new List<byte>();
        void U16(int v) { tiff.Add((byte)v); tiff.Add((byte)(v >> 8)); }
        void U32(long v) { for (var i = 0; i < 4; i++) tiff.Add((byte)(v >> (8 * i))); }

        // TIFF header, little endian, IFD0 at 8.
        tiff.AddRange("II"u8.ToArray()); U16(42); U32(8);
        // IFD0: one entry, GPSInfo (0x8825) → GPS IFD at 26.
        U16(1); U16(0x8825); U16(4); U32(1); U32(26); U32(0);
        // GPS IFD at 26: LatitudeRef 'N', Latitude, LongitudeRef 'E', Longitude.
        U16(4);
        U16(1); U16(2); U32(2); tiff.AddRange("N\0\0\0"u8.ToArray());
        U16(2); U16(5); U32(3); U32(26 + 2 + (4 * 12) + 4);
        U16(3); U16(2); U32(2); tiff.AddRange("E\0\0\0"u8.ToArray());
        U16(4); U16(5); U32(3); U32(26 + 2 + (4 * 12) + 4 + 24);
        U32(0);
        foreach (var (num, den) in new[] { (39, 1), (54, 1), (0, 1), (116, 1), (23, 1), (0, 1) })
        {
            U32(num); U32(den);
        }

        var payload = Encoding.ASCII.GetBytes("Exif\0\0").Concat(tiff).ToArray();
        var length = payload.Length + 2;
        var app1 = new byte[] { 0xFF, 0xE1, (byte)(length >> 8), (byte)length }.Concat(payload).ToArray();
        // Insert right after SOI (FF D8).
        return [.. jpeg.Take(2), .. app1, .. jpeg.Skip(2)];
    }

    public static byte[] Pdf(int size = 2048)
    {
        var head = Encoding.ASCII.GetBytes("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj << /Type /Catalog >> endobj\n");
        var bytes = new byte[Math.Max(size, head.Length + 16)];
        head.CopyTo(bytes, 0);
        for (var i = head.Length; i < bytes.Length - 6; i++) bytes[i] = (byte)' ';
        Encoding.ASCII.GetBytes("%%EOF\n").CopyTo(bytes, bytes.Length - 6);
        return bytes;
    }

    /// <summary>The start of a Windows executable.</summary>
    public static byte[] Exe() => [.. "MZ"u8.ToArray(), 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00, .. new byte[200]];

    public static bool ContainsExif(byte[] bytes) => IndexOf(bytes, Encoding.ASCII.GetBytes("Exif\0\0")) >= 0;

    public static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (var i = 0; i <= haystack.Length - needle.Length; i++)
        {
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        }

        return -1;
    }
}
