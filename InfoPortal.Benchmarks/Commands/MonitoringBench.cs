using System.Diagnostics;
using InfoPortal.Data;
using InfoPortal.Features.Columns;
using InfoPortal.Features.Requests;
using InfoPortal.Features.Monitoring;
using InfoPortal.Features.Screening.Engine;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Benchmarks.Commands;

/// <summary>
/// <c>dotnet run --project InfoPortal.Benchmarks -c Release -- monitoring [--items 10000] [--runs 3]</c>:
/// seeds published items with notice-length Chinese bodies (about 1% carry a planted project
/// code name), adds that name to the lists, and times the daily rescan: the first run raises the
/// alerts, the later runs of the same day find the same hits and raise none.
/// Run it against an empty data folder: set <c>ConnectionStrings__Portal</c> and <c>Storage__Root</c>.
/// </summary>
public static class MonitoringBench
{
    private const string Planted = "蓝莓行动";

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output)
    {
        var count = args.SkipWhile(a => a != "--items").Skip(1).Select(int.Parse).FirstOrDefault(10_000);
        var runs = args.SkipWhile(a => a != "--runs").Skip(1).Select(int.Parse).FirstOrDefault(3);
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var dbFactory = sp.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        long chars;
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            var existing = await db.Requests.CountAsync(r => r.Status == RequestStatus.Published);
            if (existing < count)
            {
                var seeding = Stopwatch.StartNew();
                await SeedAsync(dbFactory, count - existing);
                await output.WriteLineAsync($"seeded {count - existing:N0} published items in {seeding.Elapsed.TotalSeconds:N1} s");
            }

            chars = await db.Requests.Where(r => r.Status == RequestStatus.Published).SumAsync(r => (long)r.BodyHtml.Length + r.Title.Length);
        }

        sp.GetRequiredService<ScreeningEngineHolder>().Swap(ScreeningEngine.Compile(BuiltInTerms.All.Append(new ScreeningTerm(Planted, "Sensitive", ScreeningLevel.Block))));
        var job = sp.GetRequiredService<DailyMonitoringJob>();
        var day = new DateOnly(2000, 1, 1).AddDays(Random.Shared.Next(0, 3000));
        await output.WriteLineAsync($"published items: {count:N0}; title+body HTML: {chars / 1_000_000.0:N1} M chars; day {day:yyyy-MM-dd}");
        await output.WriteLineAsync("| run | items checked | hits | new alerts | duration ms | items/s | managed MB after |");
        await output.WriteLineAsync("|---|---|---|---|---|---|---|");
        for (var i = 1; i <= runs; i++)
        {
            var watch = Stopwatch.StartNew();
            var result = await job.RunAsync(day, "bench", CancellationToken.None);
            var ms = watch.Elapsed.TotalMilliseconds;
            await output.WriteLineAsync($"| {i} | {result.Run.ItemsChecked:N0} | {result.Run.Hits:N0} | {result.Raised.Count:N0} | {ms:N0} | {result.Run.ItemsChecked / (ms / 1000):N0} | {GC.GetTotalMemory(false) / 1_048_576.0:N0} |");
        }

        return 0;
    }

    private static async Task SeedAsync(IDbContextFactory<PortalDbContext> dbFactory, int count)
    {
        var random = new Random(14);
        var now = DateTimeOffset.UtcNow;
        string[] topics = ["疫苗流通专项检查", "医疗器械经营企业培训", "药品零售企业检查通报", "冷链设备巡查", "化妆品安全宣传", "食品抽检结果公告", "执法案件信息公开", "行政许可办理指南"];
        string[] sentences =
        [
            "县局召开专题会议，传达学习上级有关文件精神，研究部署下一阶段重点工作。",
            "会议要求各股室要高度重视，明确责任分工，认真抓好各项任务落实。",
            "检查组对辖区内药品零售企业的进货查验、储存养护、处方药销售等情况进行了检查。",
            "对检查中发现的问题，执法人员当场提出整改意见，并责令相关企业限期整改到位。",
            "下一步，县局将持续加大监督检查力度，切实保障人民群众用药安全有效。",
            "请各单位按照通知要求，于本月底前将有关材料报送县局办公室。",
            "活动现场通过发放宣传资料、设置咨询台等方式，向群众普及安全用药知识。",
            "本次培训邀请了省市专家授课，内容涵盖法律法规、质量管理规范和典型案例分析。",
        ];
        var (officer, head, director, leader, publisher, column, chain) = await BenchCommand.BenchActorsAsync(dbFactory, now);
        const int batch = 1000;
        for (var done = 0; done < count; done += batch)
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = 0; i < Math.Min(batch, count - done); i++)
            {
                var at = now.AddMinutes(-random.Next(0, 60 * 24 * 365));
                var topic = topics[random.Next(topics.Length)];
                // About 1,200 characters in six paragraphs, like a county bureau's notice.
                var paragraphs = Enumerable.Range(0, 6).Select(_ => "<p>" + string.Concat(Enumerable.Range(0, 5).Select(_ => sentences[random.Next(sentences.Length)])) + "</p>").ToList();
                if (random.Next(100) == 0)
                {
                    paragraphs[random.Next(paragraphs.Count)] = $"<p>关于{Planted}的有关情况，另行通知。</p>";
                }

                var request = PublicationRequest.Create(officer, new RequestContent($"{topic}（第{done + i}期）", string.Concat(paragraphs), "县局办公室",
                    ContentKind.Text, Importance.Normal, DateOnly.FromDateTime(at.UtcDateTime), [column.Id], true), [], at);
                request.Submit(officer, chain, [Site.External], at);
                request.Approve(head, "同意", at);
                request.Approve(director, "同意", at);
                request.Approve(leader, "同意", at); // the internet needs a leader (ADR 0045)
                request.Publish(publisher, [column], at);
                db.Requests.Add(request);
            }

            db.ChangeTracker.DetectChanges();
            await db.SaveChangesAsync();
        }
    }
}
