using System.Text;
using System.Xml.Linq;
using InfoPortal.Infrastructure.Pdf;
using InfoPortal.Tests.Features.Screening;
using UglyToad.PdfPig;

namespace InfoPortal.Tests.Infrastructure.Pdf;

/// <summary>
/// The two cuts of Noto Sans SC (ADR 0054): the common cut (GB 2312) draws almost every PDF,
/// and a line with a character it lacks is drawn with the full face, so nothing prints as a box.
/// </summary>
public sealed class PdfFontsTests
{
    private static readonly PdfLabels Labels = new("第 {0} 页 / 共 {1} 页", "生成时间 {0} · 文档哈希 {1}");

    private static readonly DateTimeOffset Time = new(2026, 12, 4, 10, 30, 0, TimeSpan.FromHours(8));

    private static IEnumerable<char> Gb2312Hanzi()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var gb = Encoding.GetEncoding("gb2312", EncoderFallback.ExceptionFallback, DecoderFallback.ReplacementFallback);
        for (var high = 0xB0; high <= 0xF7; high++)
        {
            for (var low = 0xA1; low <= 0xFE; low++)
            {
                // Row 0xD7 ends at 0xF9: .NET maps its five empty cells into the private use area.
                var c = gb.GetString([(byte)high, (byte)low]);
                if (c.Length == 1 && c[0] != '\uFFFD' && char.GetUnicodeCategory(c[0]) != System.Globalization.UnicodeCategory.PrivateUse)
                {
                    yield return c[0];
                }
            }
        }
    }

    [Fact]
    public void CommonCut_HasEveryGb2312Hanzi_AndTheFullFaceHasEverythingTheCutHas()
    {
        var hanzi = Gb2312Hanzi().ToList();
        Assert.Equal(6763, hanzi.Count);
        Assert.All(hanzi, c => Assert.True(PdfFonts.Covers([c]), $"{c} U+{(int)c:X4}"));

        var common = PdfFonts.BmpCoverage(PdfFonts.Load("InfoPortal.Fonts.NotoSansSCCommon-Regular.ttf"));
        var full = PdfFonts.BmpCoverage(PdfFonts.Load("InfoPortal.Fonts.NotoSansSC-Regular.ttf"));
        var missing = Enumerable.Range(0, 0x10000).Where(c => common[c] && !full[c]).ToList();
        Assert.Empty(missing);
        Assert.True(full['喆'] && full['堃'] && full['赟'], "the full face draws the names the cut lacks");
    }

    [Fact]
    public void Covers_IsFalseForRareCharactersAndAnythingOutsideTheBmp()
    {
        Assert.True(PdfFonts.Covers("县局开展春季药品安全检查（2026年第1期）：合格率99.5%，№3 ①\n"));
        Assert.False(PdfFonts.Covers("申请人：张喆"));
        Assert.False(PdfFonts.Covers("王堃"));
        Assert.False(PdfFonts.Covers("𠮷野家"));
        Assert.True(PdfFonts.Covers(""));
    }

    [Fact]
    public void EveryChineseResourceString_IsInTheCommonCut()
    {
        // Labels, headings and footers never pull the full face into a PDF: only people's text can.
        var resx = Path.Combine(ScreeningFixtures.RepositoryRoot(), "InfoPortal", "Resources", "SharedResource.resx");
        var values = XDocument.Load(resx).Root!.Elements("data").Select(d => d.Element("value")!.Value).ToList();
        Assert.True(values.Count > 500, $"{values.Count} strings");
        var missing = values.SelectMany(v => v).Where(c => !PdfFonts.Covers([c])).Distinct().ToList();
        Assert.True(missing.Count == 0, "not in the common cut: " + string.Join(" ", missing.Select(c => $"{c} U+{(int)c:X4}")));
    }

    [Fact]
    public void Render_CommonText_EmbedsOnlyTheCommonCut()
    {
        var model = new PdfDocumentModel("网上发布信息申请表", "张信息", "检查",
        [
            new PdfParagraph("网上发布信息申请表", PdfTextStyle.Title),
            new PdfKeyValueGrid([new("标题", "县局开展春季药品安全检查"), new("申请人", "张信息")]),
            new PdfSignatureBlock([new PdfSignature("部门负责人", "李综合", "2026-12-04 10:00")]),
        ], Labels);

        using var document = PdfDocument.Open(PdfComposer.Render(model, Time).Bytes);
        var fonts = document.GetPages().SelectMany(p => p.Letters).Select(l => l.FontName ?? "").Distinct().ToList();
        Assert.NotEmpty(fonts);
        Assert.All(fonts, f => Assert.Contains("Noto Sans SC Common", f, StringComparison.Ordinal));
    }

    [Fact]
    public void Render_LineWithARareCharacter_IsDrawnWithTheFullFace_AndWrapsAsBefore()
    {
        var rare = "申请人张喆提交的县局开展春季药品安全检查工作情况通报，经部门负责人审核同意后报办公室主任审签，依照规定在政府网站公开发布。";
        var common = rare.Replace('喆', '哲'); // 哲 is in GB 2312 and as wide as 喆
        var model = new PdfDocumentModel("测试", "作者", "主题",
        [
            new PdfParagraph(rare),
            new PdfParagraph("审核人：李综合"),
            new PdfTable([1, 3], [new PdfRow(["项目", "内容"])], [new PdfRow(["经办", "王堃"])]),
            new PdfParagraph(common),
        ], Labels);

        using var document = PdfDocument.Open(PdfComposer.Render(model, Time).Bytes);
        var letters = document.GetPage(1).Letters.Where(l => !string.IsNullOrWhiteSpace(l.Value)).ToList();
        var text = string.Concat(letters.Select(l => l.Value));
        Assert.Contains("张喆", text, StringComparison.Ordinal);
        Assert.Contains("王堃", text, StringComparison.Ordinal);

        static bool Full(string? font) => font is not null && font.Contains("Noto Sans SC", StringComparison.Ordinal) && !font.Contains("Common", StringComparison.Ordinal);
        Assert.True(Full(letters.First(l => l.Value == "喆").FontName), letters.First(l => l.Value == "喆").FontName);
        Assert.True(Full(letters.First(l => l.Value == "堃").FontName), letters.First(l => l.Value == "堃").FontName);
        Assert.False(Full(letters.First(l => l.Value == "李").FontName), letters.First(l => l.Value == "李").FontName);
        Assert.False(Full(letters.First(l => l.Value == "哲").FontName), letters.First(l => l.Value == "哲").FontName);

        // Same advance widths in both cuts: the paragraph breaks where its common twin breaks.
        var lines = letters.GroupBy(l => Math.Round(l.StartBaseLine.Y)).Select(g => string.Concat(g.OrderBy(l => l.StartBaseLine.X).Select(l => l.Value))).ToList();
        var rareLines = lines.SkipWhile(l => !l.StartsWith("申请人张喆", StringComparison.Ordinal)).TakeWhile(l => !l.StartsWith("审核人", StringComparison.Ordinal)).ToList();
        var commonLines = lines.SkipWhile(l => !l.StartsWith("申请人张哲", StringComparison.Ordinal)).Take(rareLines.Count).ToList();
        Assert.True(rareLines.Count > 1, string.Join(" | ", lines));
        Assert.Equal(rareLines.Select(l => l.Replace('喆', '哲')), commonLines);
    }
}
