using SkiaSharp;

namespace InfoPortal.Infrastructure.Files;

/// <summary>
/// Decodes and re-encodes every uploaded image: whatever rode along in the file (EXIF with GPS,
/// comments, trailing data) is gone, and the EXIF orientation is applied to the pixels first.
/// GIFs become PNG (one frame): Skia cannot write GIF.
/// </summary>
public static class ImageCleaner
{
    public static (byte[] Bytes, FileKind Kind) Reencode(Stream source, FileKind kind, long maxPixels)
    {
        source.Position = 0;
        using var codec = SKCodec.Create(source) ?? throw new InvalidDataException("The image cannot be decoded.");
        var info = codec.Info;
        if ((long)info.Width * info.Height > maxPixels)
        {
            throw new InvalidDataException("The image has too many pixels.");
        }

        using var decoded = SKBitmap.Decode(codec) ?? throw new InvalidDataException("The image cannot be decoded.");
        using var oriented = ApplyOrigin(decoded, codec.EncodedOrigin);
        using var image = SKImage.FromBitmap(oriented);
        var (format, target) = kind == FileSniffer.Jpeg ? (SKEncodedImageFormat.Jpeg, FileSniffer.Jpeg)
            : kind == FileSniffer.Webp ? (SKEncodedImageFormat.Webp, FileSniffer.Webp)
            : (SKEncodedImageFormat.Png, FileSniffer.Png);
        using var data = image.Encode(format, 90) ?? throw new InvalidDataException("The image cannot be encoded.");
        return (data.ToArray(), target);
    }

    private static SKBitmap ApplyOrigin(SKBitmap bitmap, SKEncodedOrigin origin)
    {
        if (origin is SKEncodedOrigin.TopLeft or SKEncodedOrigin.Default)
        {
            return bitmap.Copy();
        }

        var swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var result = new SKBitmap(swap ? bitmap.Height : bitmap.Width, swap ? bitmap.Width : bitmap.Height);
        using var canvas = new SKCanvas(result);
        var (w, h) = (result.Width, result.Height);
        switch (origin)
        {
            case SKEncodedOrigin.TopRight: canvas.Scale(-1, 1, w / 2f, 0); break;
            case SKEncodedOrigin.BottomRight: canvas.RotateDegrees(180, w / 2f, h / 2f); break;
            case SKEncodedOrigin.BottomLeft: canvas.Scale(1, -1, 0, h / 2f); break;
            case SKEncodedOrigin.LeftTop: canvas.Translate(w, 0); canvas.RotateDegrees(90); canvas.Scale(1, -1, 0, bitmap.Height / 2f); canvas.Translate(0, 0); break;
            case SKEncodedOrigin.RightTop: canvas.Translate(w, 0); canvas.RotateDegrees(90); break;
            case SKEncodedOrigin.RightBottom: canvas.Translate(w, h); canvas.RotateDegrees(90); canvas.Scale(-1, -1); canvas.Translate(-bitmap.Width, 0); break;
            case SKEncodedOrigin.LeftBottom: canvas.Translate(0, h); canvas.RotateDegrees(270); break;
        }

        canvas.DrawBitmap(bitmap, 0, 0);
        return result;
    }
}
