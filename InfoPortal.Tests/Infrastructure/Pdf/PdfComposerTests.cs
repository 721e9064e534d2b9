using System.Globalization;
using System.Text;
using InfoPortal.Infrastructure.Pdf;
using UglyToad.PdfPig;

namespace InfoPortal.Tests.Infrastructure.Pdf;

/// <summary>The composition layer rendered for real and read back with PdfPig.</summary>
public sealed class PdfComposerTests
{
    private static readonly PdfLabels Labels = new("第 {0} 页 / 共 {1} 页", "生成时间 {0} · 文档哈希 {1}");

    private static readonly DateTimeOffset Time = new(2026, 11, 26, 10, 30, 0, TimeSpan.FromHours(8));

    internal static string Squash(string s) => new([.. s.Where(c => !char.IsWhiteSpace(c))]);

    private static PdfDocumentModel LongTable(int rows) => new("药品安全检查台账", "测试", "table",
    [
        new PdfParagraph("药品安全检查台账", PdfTextStyle.Title, Centered: true),
        new PdfTable([1, 4, 2],
            [new PdfRow([new PdfCell("序号"), new PdfCell("检查对象及内容"), new PdfCell("结论")])],
            [.. Enumerable.Range(1, rows).Select(i => new PdfRow([
                new PdfCell(i.ToString(CultureInfo.InvariantCulture)),
                new PdfCell($"第{i}家零售药店：检查处方药销售登记、冷链药品储存温度记录，发现问题已当场责令整改。"),
                new PdfCell("合格")]))]),
    ], Labels);

    [Fact]
    public void Render_LongTable_RepeatsHeaderOnEveryPage_AndNumbersPagesXOfY()
    {
        var pdf = PdfComposer.Render(LongTable(150), Time);
        using var document = PdfDocument.Open(pdf.Bytes);
        var pages = document.GetPages().ToList();
        Assert.True(pages.Count >= 3, $"{pages.Count} pages");
        Assert.Equal(pdf.PageCount, pages.Count);
        foreach (var page in pages)
        {
            var text = Squash(page.Text);
            Assert.Contains("序号检查对象及内容结论", text);
            Assert.Contains($"第{page.Number}页/共{pages.Count}页", text);
            Assert.Contains($"文档哈希{pdf.ContentHash[..16]}", text);
            Assert.Contains("生成时间2026-11-2610:30:00+08:00", text);
        }

        // Every row made it, in order, exactly once.
        var all = string.Concat(pages.Select(p => Squash(p.Text)));
        for (var i = 1; i <= 150; i++)
        {
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(all, $"第{i}家零售药店"));
        }
    }

    [Fact]
    public void Render_Chinese_ExtractsAndEmbedsSubsetFonts()
    {
        var model = new PdfDocumentModel("测试", "作者", "主题",
        [
            new PdfParagraph("网上发布信息申请表", PdfTextStyle.Title),
            new PdfParagraph("本信息不涉及国家秘密、工作秘密和个人隐私，谁发布谁负责。", Bold: true),
            new PdfKeyValueGrid([new("标题", "县局开展春季药品安全检查")]),
            new PdfSignatureBlock([new PdfSignature("部门负责人", "李综合", "2026-11-26 10:00")]),
        ], Labels);
        var pdf = PdfComposer.Render(model, Time);
        using var document = PdfDocument.Open(pdf.Bytes);
        var page = document.GetPage(1);
        var text = Squash(page.Text);
        Assert.Contains("网上发布信息申请表", text);
        Assert.Contains("本信息不涉及国家秘密、工作秘密和个人隐私，谁发布谁负责。", text);
        Assert.Contains("县局开展春季药品安全检查", text);
        Assert.Contains("李综合", text);
        Assert.Equal("测试", document.Information.Title);
        Assert.Equal("作者", document.Information.Author);

        // Both faces are embedded as TrueType programs (FontFile2) and subset (ABCDEF+ prefix).
        var fonts = page.Letters.Select(l => l.FontName ?? "").Distinct().ToList();
        Assert.Contains(fonts, f => f.Contains("Noto Sans SC", StringComparison.Ordinal) && f.Contains("Bold", StringComparison.Ordinal));
        Assert.All(fonts, f => Assert.Matches("^[A-Z]{6}\\+", f));
        var raw = Encoding.Latin1.GetString(pdf.Bytes);
        Assert.Contains("/FontFile2", raw);
        Assert.DoesNotContain("/FontFile3", raw);
        // Subset: far smaller than the 10 MB fonts.
        Assert.True(pdf.Bytes.Length < 400_000, $"{pdf.Bytes.Length} bytes");
    }

    [Fact]
    public void ContentHash_SameModel_SameHash_WhateverTheTime_AndChangesWithContent()
    {
        var first = PdfComposer.Render(LongTable(3), Time);
        var later = PdfComposer.Render(LongTable(3), Time.AddDays(1));
        var other = PdfComposer.Render(LongTable(4), Time);
        Assert.Equal(first.ContentHash, later.ContentHash);
        Assert.NotEqual(first.ContentHash, other.ContentHash);
        Assert.Equal(LongTable(3).ContentHash(), first.ContentHash);
        Assert.Equal(first.PageCount, PdfComposer.Render(LongTable(3), Time).PageCount);
    }

    [Fact]
    public void Render_RowTallerThanAPage_ContinuesOnTheNextPage()
    {
        var huge = string.Join("\n", Enumerable.Range(1, 120).Select(i => $"第{i}行内容"));
        var model = new PdfDocumentModel("t", "a", "s", [new PdfTable([1, 3], [new PdfRow(["栏目", "内容"])], [new PdfRow(["长行", huge])])], Labels);
        var pdf = PdfComposer.Render(model, Time);
        using var document = PdfDocument.Open(pdf.Bytes);
        var pages = document.GetPages().ToList();
        Assert.True(pages.Count >= 2);
        var all = string.Concat(pages.Select(p => Squash(p.Text)));
        Assert.Contains("第1行内容", all);
        Assert.Contains("第120行内容", all);
        Assert.All(pages, p => Assert.Contains("栏目内容", Squash(p.Text)));
    }

    /// <summary>
    /// Issue 12 item 5: no lock around rendering, so renders on several threads at once must not
    /// share state. Each concurrent render shows the same letters at the same places as the same
    /// model rendered alone (the bytes differ only in the random font-subset tags).
    /// </summary>
    [Fact]
    public async Task Render_EightThreadsAtOnce_EachEqualsItsRenderAlone()
    {
        static string Letters(byte[] pdf)
        {
            using var document = PdfDocument.Open(pdf);
            return string.Join("\n", document.GetPages().SelectMany(p => p.Letters.Select(l =>
                FormattableString.Invariant($"{p.Number}:{l.Value}@{l.StartBaseLine.X:F2},{l.StartBaseLine.Y:F2}"))));
        }

        var models = Enumerable.Range(1, 8).Select(i => LongTable(10 + 7 * i)).ToList();
        var alone = models.Select(m => Letters(PdfComposer.Render(m, Time).Bytes)).ToList();

        using var start = new ManualResetEventSlim();
        var concurrent = models.Select(m => Task.Factory.StartNew(
            () =>
            {
                start.Wait();
                return Enumerable.Range(0, 3).Select(_ => PdfComposer.Render(m, Time).Bytes).ToList();
            },
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToList();
        start.Set();
        var results = await Task.WhenAll(concurrent);

        for (var i = 0; i < models.Count; i++)
        {
            Assert.All(results[i], bytes => Assert.Equal(alone[i], Letters(bytes)));
        }
    }

    /// <summary>
    /// Prints take turns at a gate of one render per core (ADR 0054): eight threads printing at
    /// once never have more than that many renders running, each gets its own document, and a
    /// caller who has given up does not render at all.
    /// </summary>
    [Fact]
    public async Task RenderAsync_EightThreadsAtOnce_RenderOnePerCoreAtMost()
    {
        var models = Enumerable.Range(1, 8).Select(i => LongTable(40 + 5 * i)).ToList();
        var alone = models.Select(m => PdfComposer.Render(m, Time).PageCount).ToList();

        using var start = new ManualResetEventSlim();
        var concurrent = models.Select(m => Task.Factory.StartNew(
            () =>
            {
                start.Wait();
                return Enumerable.Range(0, 3).Select(_ => PdfComposer.RenderAsync(m, Time).GetAwaiter().GetResult()).ToList();
            },
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToList();
        start.Set();
        var results = await Task.WhenAll(concurrent);

        for (var i = 0; i < models.Count; i++)
        {
            Assert.All(results[i], pdf => Assert.Equal((models[i].ContentHash(), alone[i]), (pdf.ContentHash, pdf.PageCount)));
        }

        Assert.InRange(PdfComposer.MostPrintingAtOnce, 1, Environment.ProcessorCount);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => PdfComposer.RenderAsync(models[0], Time, new CancellationToken(canceled: true)));
    }

    /// <summary>The archive's copy is deflated harder than a print: the same text, a smaller file.</summary>
    [Fact]
    public void Render_Kept_SameTextAsAPrint_InASmallerFile()
    {
        var model = LongTable(40);
        var print = PdfComposer.Render(model, Time);
        var kept = PdfComposer.Render(model, Time, kept: true);

        Assert.True(kept.Bytes.Length < print.Bytes.Length, $"kept {kept.Bytes.Length} bytes, print {print.Bytes.Length}");
        Assert.Equal(print.ContentHash, kept.ContentHash);
        using var a = PdfDocument.Open(print.Bytes);
        using var b = PdfDocument.Open(kept.Bytes);
        Assert.Equal(a.GetPages().Select(p => p.Text), b.GetPages().Select(p => p.Text));
    }
}
