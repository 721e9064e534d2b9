using System.Net.Http.Headers;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using InfoPortal.Tests.TestSupport;
using UglyToad.PdfPig.Writer;

namespace InfoPortal.Tests.Features.Screening;

/// <summary>Real .docx and .pdf files built in the test, and uploads through the API.</summary>
public static class ScreeningFixtures
{
    /// <summary>A .docx whose body is harmless and whose header carries <paramref name="headerText"/>.</summary>
    public static byte[] DocxWithHeader(string bodyText, string headerText)
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            var headerPart = main.AddNewPart<HeaderPart>();
            headerPart.Header = new Header(new Paragraph(new Run(new Text(headerText))));
            var headerId = main.GetIdOfPart(headerPart);
            main.Document = new Document(new Body(
                new Paragraph(new Run(new Text(bodyText))),
                new SectionProperties(new HeaderReference { Type = HeaderFooterValues.Default, Id = headerId })));
        }

        return stream.ToArray();
    }

    /// <summary>A PDF with one line of text per page, in Noto Sans SC (committed under InfoPortal/Assets/Fonts).</summary>
    public static byte[] Pdf(params string[] pages)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddTrueTypeFont(File.ReadAllBytes(Path.Combine(RepositoryRoot(), "InfoPortal", "Assets", "Fonts", "NotoSansSC_400Regular.ttf")));
        foreach (var text in pages)
        {
            var page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
            page.AddText(text, 14, new UglyToad.PdfPig.Core.PdfPoint(72, 720), font);
        }

        return builder.Build();
    }

    /// <summary>
    /// A scan as a copier makes it: each page one full-page image (drawn with PDFsharp), plus an
    /// optional line of real text (a page number, or a typed caption).
    /// </summary>
    public static byte[] ScannedPdf(int pages, string? textPerPage = null)
    {
        InfoPortal.Infrastructure.Pdf.PdfFonts.EnsureRegistered();
        using var document = new PdfSharp.Pdf.PdfDocument();
        var png = Png(64, 64);
        for (var i = 0; i < pages; i++)
        {
            var page = document.AddPage();
            using var graphics = PdfSharp.Drawing.XGraphics.FromPdfPage(page);
            using var image = PdfSharp.Drawing.XImage.FromStream(new MemoryStream(png));
            graphics.DrawImage(image, 36, 36, page.Width.Point - 72, page.Height.Point - 108);
            if (textPerPage is not null)
            {
                graphics.DrawString(textPerPage, new PdfSharp.Drawing.XFont("Noto Sans SC", 12), PdfSharp.Drawing.XBrushes.Black, new PdfSharp.Drawing.XPoint(72, page.Height.Point - 40));
            }
        }

        using var stream = new MemoryStream();
        document.Save(stream);
        return stream.ToArray();
    }

    /// <summary>A grey-striped 8-bit greyscale PNG, written by hand (no imaging library needed).</summary>
    public static byte[] Png(int width, int height)
    {
        var raw = new MemoryStream();
        for (var y = 0; y < height; y++)
        {
            raw.WriteByte(0); // filter: none
            for (var x = 0; x < width; x++)
            {
                raw.WriteByte((byte)(((x / 4) + (y / 4)) % 2 == 0 ? 40 : 220));
            }
        }

        var compressed = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(compressed, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            raw.Position = 0;
            raw.CopyTo(zlib);
        }

        var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        void Chunk(string type, byte[] data)
        {
            var typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
            png.Write(BigEndian((uint)data.Length));
            png.Write(typeBytes);
            png.Write(data);
            png.Write(BigEndian(Crc32([.. typeBytes, .. data])));
        }

        Chunk("IHDR", [.. BigEndian((uint)width), .. BigEndian((uint)height), 8, 0, 0, 0, 0]);
        Chunk("IDAT", compressed.ToArray());
        Chunk("IEND", []);
        return png.ToArray();
    }

    private static byte[] BigEndian(uint value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    /// <summary>
    /// The committed copy of shared/seed/000_ada1f8eccf883768.txt, the three policy documents rules.md
    /// is written from (a clone need not sit beside shared/).
    /// </summary>
    public static string SeedPolicyPath() => Path.Combine(AppContext.BaseDirectory, "Features", "Screening", "Data", "seed-policy.txt");

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "InfoPortal.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Repository root not found.");
    }

    public static async Task<HttpResponseMessage> UploadAsync(ApiClient client, int requestId, string name, byte[] bytes)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", name);
        return await client.Http.PostAsync($"/api/v1/requests/{requestId}/attachments", form);
    }
}
