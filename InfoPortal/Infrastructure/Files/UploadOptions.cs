namespace InfoPortal.Infrastructure.Files;

/// <summary>Upload limits, bound from <c>Uploads</c>.</summary>
public sealed class UploadOptions
{
    public const string Section = "Uploads";

    public long MaxFileBytes { get; set; } = 20L * 1024 * 1024;

    public long MaxVideoBytes { get; set; } = 500L * 1024 * 1024;

    /// <summary>Images larger than this many pixels are refused (decompression bombs).</summary>
    public long MaxImagePixels { get; set; } = 50_000_000;
}
