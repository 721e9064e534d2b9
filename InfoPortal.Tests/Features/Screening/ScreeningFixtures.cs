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
