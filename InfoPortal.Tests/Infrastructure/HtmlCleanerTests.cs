using InfoPortal.Infrastructure.Files;
using InfoPortal.Infrastructure.Html;
using InfoPortal.Tests.TestSupport;

namespace InfoPortal.Tests.Infrastructure;

public sealed class HtmlCleanerTests
{
    private readonly HtmlCleaner _cleaner = new();

    /// <summary>What Word puts on the clipboard (trimmed): Office namespaces, mso styles, classes, conditional comments.</summary>
    private const string WordPaste = """
        <html xmlns:o="urn:schemas-microsoft-com:office:office"><head><style>p.MsoNormal{margin:0}</style></head><body>
        <!--[if gte mso 9]><xml><o:OfficeDocumentSettings></o:OfficeDocumentSettings></xml><![endif]-->
        <h1 class="MsoTitle" style="mso-outline-level:1">关于开展药品安全检查的通知</h1>
        <p class="MsoNormal"><b><span style="font-family:宋体;mso-bidi-font-weight:normal">一、检查范围</span></b><o:p></o:p></p>
        <ul><li class="MsoListParagraph">零售药店</li><li>医疗机构药房</li></ul>
        <ol><li>制定方案</li></ol>
        <table class="MsoTableGrid" border="1"><tr><td width="200" style="mso-cell-special:placeholder">单位</td><td>时间</td></tr><tr><td>城关所</td><td>12月1日</td></tr></table>
        <p><a href="https://www.nmpa.gov.cn/">国家药监局</a></p>
        </body></html>
        """;

    [Fact]
    public void WordPaste_KeepsHeadingsBoldListsTablesAndLinks_DropsOfficeNoise()
    {
        var clean = _cleaner.Clean(WordPaste);
        Assert.Contains("<h1>关于开展药品安全检查的通知</h1>", clean);
        Assert.Contains("<b>", clean);
        Assert.Contains("<li>零售药店</li>", clean);
        Assert.Contains("<ol>", clean);
        Assert.Contains("<table", clean);
        Assert.Contains("<td width=\"200\">单位</td>", clean);
        Assert.Contains("<a href=\"https://www.nmpa.gov.cn/\" rel=\"noopener noreferrer\">", clean);
        Assert.DoesNotContain("mso-", clean);
        Assert.DoesNotContain("class=", clean);
        Assert.DoesNotContain("o:p", clean);
        Assert.DoesNotContain("<style", clean);
        Assert.DoesNotContain("<!--", clean);
    }

    [Theory]
    [InlineData("<script>alert(1)</script><p>x</p>", "<script")]
    [InlineData("<img src=\"/files/1/a.png\" onerror=\"alert(1)\">", "onerror")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>", "javascript:")]
    [InlineData("<a href=\"JaVaScRiPt:alert(1)\">x</a>", "alert")]
    [InlineData("<svg onload=alert(1)><circle/></svg>", "<svg")]
    [InlineData("<iframe src=\"https://evil.example\"></iframe>", "<iframe")]
    [InlineData("<p style=\"background:url(javascript:alert(1))\">x</p>", "javascript")]
    [InlineData("<img src=\"data:image/png;base64,AAAA\">", "data:")]
    [InlineData("<img src=\"https://tracker.example/p.gif\">", "tracker")]
    [InlineData("<form action=\"/x\"><input name=a></form>", "<form")]
    [InlineData("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", "onerror")]
    public void Payloads_AreRemoved(string html, string forbidden)
    {
        Assert.DoesNotContain(forbidden, _cleaner.Clean(html), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void OwnFileImages_Stay_AndTextKeepsAltAndLines()
    {
        var clean = _cleaner.Clean("<p>第一段</p><img src=\"/files/7/a.png\" alt=\"会议现场\"><p>第二段</p>");
        Assert.Contains("src=\"/files/7/a.png\"", clean);
        var text = HtmlCleaner.ToText(clean);
        Assert.StartsWith("第一段\n", text);
        Assert.Contains("会议现场", text);
        Assert.EndsWith("第二段", text);
        Assert.DoesNotContain("<", text);
    }
}

public sealed class FileSnifferTests
{
    private static FileKind? Sniff(byte[] bytes) => FileSniffer.Sniff(new MemoryStream(bytes));

    [Fact]
    public void RealFiles_AreRecognisedByContent()
    {
        Assert.Equal(FileSniffer.Png, Sniff(TestFiles.Png()));
        Assert.Equal(FileSniffer.Jpeg, Sniff(TestFiles.Jpeg()));
        Assert.Equal(FileSniffer.Pdf, Sniff(TestFiles.Pdf()));
        Assert.Equal(FileSniffer.Text, Sniff("中文文本\n第二行"u8.ToArray()));
        Assert.Equal(FileSniffer.Mp4, Sniff([0, 0, 0, 0x18, .. "ftypmp42"u8.ToArray(), 0, 0, 0, 0]));
    }

    [Fact]
    public void Executables_BinaryJunk_AndEmptyFiles_AreNotAllowed()
    {
        Assert.Null(Sniff(TestFiles.Exe()));
        Assert.Null(Sniff([0x7F, .. "ELF"u8.ToArray(), 2, 1, 1, 0, 0, 0]));
        Assert.Null(Sniff([0xFF, 0xFE, 0x00, 0x00, 0x01]));
        Assert.Null(Sniff([]));
    }

    [Fact]
    public void Zip_IsOnlyAllowedAsWordOrExcel_AndNotWithMacros()
    {
        static byte[] Zip(params string[] entries)
        {
            using var memory = new MemoryStream();
            using (var zip = new System.IO.Compression.ZipArchive(memory, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
            {
                foreach (var entry in entries)
                {
                    using var writer = new StreamWriter(zip.CreateEntry(entry).Open());
                    writer.Write("<x/>");
                }
            }

            return memory.ToArray();
        }

        Assert.Equal(FileSniffer.Docx, Sniff(Zip("[Content_Types].xml", "word/document.xml")));
        Assert.Equal(FileSniffer.Xlsx, Sniff(Zip("[Content_Types].xml", "xl/workbook.xml")));
        Assert.Null(Sniff(Zip("[Content_Types].xml", "word/document.xml", "word/vbaProject.bin")));
        Assert.Null(Sniff(Zip("readme.txt")));
    }
}
