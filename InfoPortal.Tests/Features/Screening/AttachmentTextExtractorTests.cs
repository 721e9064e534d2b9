using System.Text;
using InfoPortal.Features.Screening;

namespace InfoPortal.Tests.Features.Screening;

/// <summary>Text extraction without a database: encodings of .txt, parts of .docx, pages of .pdf, broken files.</summary>
public sealed class AttachmentTextExtractorTests
{
    static AttachmentTextExtractorTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    [Theory]
    [InlineData("utf8")]
    [InlineData("utf8bom")]
    [InlineData("gb18030")]
    [InlineData("utf16bom")]
    public void PlainText_DecodesEveryUsualEncoding(string encoding)
    {
        const string text = "本文件为内部资料，请勿外传。";
        var bytes = encoding switch
        {
            "utf8" => Encoding.UTF8.GetBytes(text),
            "utf8bom" => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)],
            "gb18030" => Encoding.GetEncoding("GB18030").GetBytes(text),
            _ => [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(text)],
        };
        var extracted = AttachmentTextExtractor.Extract(new MemoryStream(bytes), "text/plain");
        Assert.Null(extracted.Note);
        Assert.Equal(text, Assert.Single(extracted.Parts).Text);
    }

    [Fact]
    public void Docx_HeaderIsItsOwnPart()
    {
        var extracted = AttachmentTextExtractor.Extract(new MemoryStream(ScreeningFixtures.DocxWithHeader("正文内容", "内部资料")), AttachmentTextExtractor.DocxType);
        Assert.Equal("正文内容", extracted.Parts.Single(p => p.Part == "body").Text);
        Assert.Equal("内部资料", extracted.Parts.Single(p => p.Part == "header").Text);
    }

    [Fact]
    public void Pdf_PagesKeepTheirNumbers()
    {
        var extracted = AttachmentTextExtractor.Extract(new MemoryStream(ScreeningFixtures.Pdf("第一页", "机密★")), "application/pdf");
        Assert.Equal([1, 2], extracted.Parts.Select(p => p.Page!.Value));
        Assert.Contains("机密", extracted.Parts[1].Text);
    }

    [Theory]
    [InlineData("application/pdf")]
    [InlineData(AttachmentTextExtractor.DocxType)]
    public void BrokenFile_GivesANote_NotAnException(string contentType)
    {
        var extracted = AttachmentTextExtractor.Extract(new MemoryStream(Encoding.ASCII.GetBytes("%PDF-1.7 PK garbage")), contentType);
        Assert.Equal("Screening.Extract.Failed", extracted.Note);
        Assert.Empty(extracted.Parts);
    }
}
