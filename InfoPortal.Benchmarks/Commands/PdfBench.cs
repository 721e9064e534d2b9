using System.Diagnostics;
using System.Globalization;
using InfoPortal.Infrastructure.Pdf;

namespace InfoPortal.Benchmarks.Commands;

/// <summary>
/// <c>dotnet run --project InfoPortal.Benchmarks -c Release -- pdf [--runs 200] [--pages 200] [--callers 8]</c>:
/// renders a 申请表-shaped document (form grid, 1,500-character body, attachments, a four-step
/// approval record, signatures) warm, N times (median, p95, bytes allocated per render), then by several callers at once:
/// each on its own thread calling <c>Render</c>, and as the API prints, through <c>RenderAsync</c>'s gate of one
/// render per core. Then a long table document of at least the given number of pages, with its time and the
/// process's peak working set.
/// </summary>
public static class PdfBench
{
    private static readonly PdfLabels Labels = new("第 {0} 页 / 共 {1} 页", "生成时间 {0} · 文档哈希 {1}");

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var runs = args.SkipWhile(a => a != "--runs").Skip(1).Select(int.Parse).FirstOrDefault(200);
        var pages = args.SkipWhile(a => a != "--pages").Skip(1).Select(int.Parse).FirstOrDefault(200);
        var now = DateTimeOffset.Now;

        var form = FormShaped();
        for (var i = 0; i < 10; i++)
        {
            PdfComposer.Render(form, now); // warm-up: fonts loaded, JIT done
        }

        var times = new List<double>();
        var size = 0;
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            size = PdfComposer.Render(form, now).Bytes.Length;
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        allocated = (GC.GetAllocatedBytesForCurrentThread() - allocated) / runs;
        times.Sort();
        await output.WriteLineAsync($"申请表-shaped PDF, {runs} warm renders: median {times[times.Count / 2]:N2} ms, p95 {times[(int)Math.Ceiling(times.Count * 0.95) - 1]:N2} ms, max {times[^1]:N2} ms, {size / 1024.0:N0} KiB, {allocated / 1024.0:N0} KiB allocated per render");

        // The reference in the same run: the archive's copy, deflated at the default level (every render before ADR 0054).
        var kept = new List<double>();
        var keptSize = 0;
        for (var i = 0; i < Math.Max(20, runs / 4); i++)
        {
            var watch = Stopwatch.StartNew();
            keptSize = PdfComposer.Render(form, now, kept: true).Bytes.Length;
            kept.Add(watch.Elapsed.TotalMilliseconds);
        }

        kept.Sort();
        await output.WriteLineAsync($"reference: the archive's copy (default deflate), {kept.Count} renders: median {kept[kept.Count / 2]:N2} ms, p95 {kept[(int)Math.Ceiling(kept.Count * 0.95) - 1]:N2} ms, {keptSize / 1024.0:N0} KiB; print/reference median {times[times.Count / 2] / kept[kept.Count / 2]:P0}");

        // Callers at once, twice: each on its own thread calling Render (no gate: all share the
        // cores), then as the API prints, through RenderAsync's gate of one render per core.
        var callers = args.SkipWhile(a => a != "--callers").Skip(1).Select(int.Parse).FirstOrDefault(8);
        var perCaller = Math.Max(1, runs / callers);
        var (ungated, ungatedRate) = await AtOnceAsync(callers, _ => Task.Factory.StartNew(() =>
        {
            var taken = new List<double>();
            for (var i = 0; i < perCaller; i++)
            {
                var watch = Stopwatch.StartNew();
                PdfComposer.Render(form, now);
                taken.Add(watch.Elapsed.TotalMilliseconds);
            }

            return taken;
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default));
        var (gated, gatedRate) = await AtOnceAsync(callers, async _ =>
        {
            var taken = new List<double>();
            for (var i = 0; i < perCaller; i++)
            {
                var watch = Stopwatch.StartNew(); // the wait for a turn counts
                await PdfComposer.RenderAsync(form, now);
                taken.Add(watch.Elapsed.TotalMilliseconds);
            }

            return taken;
        });
        await output.WriteLineAsync($"{callers} callers at once, {ungated.Count} renders, each on its own thread, no gate: median {ungated[ungated.Count / 2]:N2} ms, p95 {ungated[(int)Math.Ceiling(ungated.Count * 0.95) - 1]:N2} ms, "
            + $"{ungatedRate:N0} renders/s (one caller: {1000 / times[times.Count / 2]:N0}/s; {Environment.ProcessorCount} cores)");
        await output.WriteLineAsync($"{callers} callers at once, {gated.Count} renders through the print gate (RenderAsync, as the API): median {gated[gated.Count / 2]:N2} ms, p95 {gated[(int)Math.Ceiling(gated.Count * 0.95) - 1]:N2} ms, "
            + $"{gatedRate:N0} renders/s; gated/ungated p95 {gated[(int)Math.Ceiling(gated.Count * 0.95) - 1] / ungated[(int)Math.Ceiling(ungated.Count * 0.95) - 1]:P0}");

        // About 13 rows fit a page with these cells; render until the page count is reached.
        var rows = pages * 13;
        var table = new PdfDocumentModel("年度考核报告（基准）", "bench", "bench",
        [
            new PdfParagraph("年度考核报告（基准）", PdfTextStyle.Title, Centered: true),
            new PdfTable([1, 2, 5, 1.5, 1.5],
                [new PdfRow(["序号", "部门", "信息标题", "得分", "及时"])],
                [.. Enumerable.Range(1, rows).Select(i => new PdfRow([
                    i.ToString(CultureInfo.InvariantCulture), $"第{i % 9 + 1}股室",
                    $"关于开展第{i}批次药品医疗器械质量安全专项检查工作情况的通报，涉及零售药店和医疗机构",
                    (i % 97).ToString(CultureInfo.InvariantCulture), i % 3 == 0 ? "否" : "是"]))]),
        ], Labels);
        GC.Collect();
        var watchLong = Stopwatch.StartNew();
        var rendered = PdfComposer.Render(table, now);
        var elapsed = watchLong.Elapsed;
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        await output.WriteLineAsync($"long table: {rows:N0} rows, {rendered.PageCount} pages in {elapsed.TotalSeconds:N2} s, {rendered.Bytes.Length / 1024.0 / 1024.0:N1} MiB; peak working set {process.PeakWorkingSet64 / 1024.0 / 1024.0:N0} MiB");
        return 0;
    }

    /// <summary>Runs the callers together; every render's time, sorted, and renders per second of wall time.</summary>
    private static async Task<(List<double> Times, double Rate)> AtOnceAsync(int callers, Func<int, Task<List<double>>> caller)
    {
        var wall = Stopwatch.StartNew();
        // Each caller starts on the thread pool: started inline, a caller whose gate is free never yields, and the callers would run one after another.
        var all = (await Task.WhenAll(Enumerable.Range(0, callers).Select(i => Task.Run(() => caller(i))))).SelectMany(t => t).ToList();
        var rate = all.Count / wall.Elapsed.TotalSeconds;
        all.Sort();
        return (all, rate);
    }

    private static PdfDocumentModel FormShaped()
    {
        var body = string.Concat(Enumerable.Repeat("县局组织开展春季药品安全检查，共检查零售药店32家、医疗机构药房11家，发现问题已当场责令整改。", 30));
        string Hash(int i) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i)));
        return new PdfDocumentModel("网上发布信息申请表", "张信息", "县局开展春季药品安全检查",
        [
            new PdfParagraph("网上发布信息申请表", PdfTextStyle.Title, Centered: true),
            new PdfParagraph("编号 1234 · 状态：已发布", PdfTextStyle.Small, Centered: true),
            new PdfKeyValueGrid(
            [
                new("标题", "县局开展春季药品安全检查"), new("栏目", "工作动态、通知公告"), new("类型", "文字"),
                new("报送部门", "综合股"), new("信息员", "张信息"), new("重要程度", "一般"), new("事件日期", "2026-11-20"),
                new("来源", "县局办公室"), new("提交时间", "2026-11-21 09:30"), new("稿件版本", "v3 · SHA-256 " + Hash(0)),
                new("保密承诺", "本信息不涉及国家秘密、工作秘密和个人隐私，谁发布谁负责。"),
            ]),
            new PdfParagraph("正文", PdfTextStyle.Heading),
            new PdfParagraph(body),
            new PdfParagraph("附件及图片", PdfTextStyle.Heading),
            new PdfTable([3, 3, 5], [new PdfRow(["文件名", "图片说明", "SHA-256"])],
                [.. Enumerable.Range(1, 3).Select(i => new PdfRow([$"检查现场{i}.jpg", $"检查现场照片{i}", Hash(i)]))], PdfTextStyle.Small),
            new PdfParagraph("审核记录", PdfTextStyle.Heading),
            new PdfTable([1, 2.2, 2, 1.4, 3.4, 2.6], [new PdfRow(["轮次", "审核环节", "审核人", "结论", "审核意见", "时间"])],
                [.. new[] { "部门负责人", "办公室主任", "分管领导", "主要领导" }.Select((role, i) => new PdfRow(["1", role, $"审核人{i}", "同意", "内容属实，同意发布。", "2026-11-21 10:00"]))], PdfTextStyle.Small),
            new PdfSignatureBlock([.. new[] { "部门负责人", "办公室主任", "分管领导", "主要领导" }.Select((role, i) => new PdfSignature(role, $"审核人{i}", "2026-11-21 10:00"))]),
        ], Labels);
    }
}
