using System.Diagnostics;
using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Columns;
using InfoPortal.Features.Requests;
using InfoPortal.Features.Review;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Benchmarks.Commands;

/// <summary>
/// <c>dotnet run --project InfoPortal.Benchmarks -c Release -- review-queue [--requests 100000]</c>:
/// seeds a throw-away SQLite database with realistic requests (<see cref="BulkSeeder"/>) and measures the review-queue
/// queries (first page, a deep page, the navigation count) as a reviewer sees them.
/// Run it against an empty data folder: set <c>ConnectionStrings__Portal</c> and <c>Storage__Root</c>.
/// </summary>
public static class BenchCommand
{
    /// <summary>The benches that run against the portal (the rest of the program is BenchmarkDotNet's screening benches).</summary>
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal) { "review-queue", "search", "statistics", "monitoring", "pdf", "decisions", "http", "screening-api" };

    /// <summary>
    /// Builds the portal exactly as <c>Program.cs</c> does (<see cref="PortalApp"/>) and runs the bench
    /// <paramref name="args"/>[1] names (<c>args[0]</c> is "bench"); the rest of the arguments are the
    /// bench's options and, as for the portal, configuration (<c>--urls</c>).
    /// </summary>
    public static async Task<int> MainAsync(string[] args, TextWriter output)
    {
        var app = PortalApp.Build(args);
        if (args[1] is "http" or "screening-api")
        {
            // The whole portal with the demo agency, and the reference endpoints beside it.
            await app.InitializeAsync(seedDemo: true);
            app.MapPortal();
            HttpBench.MapReference(app);
            return args[1] == "http" ? await HttpBench.RunAsync(app, args, output) : await ScreeningApiBench.RunAsync(app, args, output);
        }

        await app.InitializeAsync(seedDemo: false);
        return await RunAsync(app.Services, args, output);
    }

    public static Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output) => args.Length > 1 ? args[1] switch
    {
        "search" => RunSearchAsync(services, args, output),
        "pdf" => PdfBench.RunAsync(args, output),
        "decisions" => DecisionBench.RunAsync(services, args, output),
        "statistics" => StatisticsBench.RunAsync(services, args, output),
        "monitoring" => MonitoringBench.RunAsync(services, args, output),
        _ => RunQueueAsync(services, args, output),
    } : RunQueueAsync(services, args, output);

    /// <summary><c>bench search [--items 100000]</c>: published items with Chinese text, then 1-, 2-, 3- and 6-character queries.</summary>
    private static async Task<int> RunSearchAsync(IServiceProvider services, string[] args, TextWriter output)
    {
        var count = args.SkipWhile(a => a != "--items").Skip(1).Select(int.Parse).FirstOrDefault(100_000);
        var runs = args.SkipWhile(a => a != "--runs").Skip(1).Select(int.Parse).FirstOrDefault(100);
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var dbFactory = sp.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            var existing = await db.SearchDocuments.CountAsync();
            if (existing < count)
            {
                var seeding = Stopwatch.StartNew();
                await SeedPublishedAsync(dbFactory, count - existing);
                await output.WriteLineAsync($"seeded {count - existing:N0} published items in {seeding.Elapsed.TotalSeconds:N1} s");
            }

            // As the database stands in use: statistics gathered (PostgreSQL: GIN pending lists merged, as autovacuum does).
            await db.Database.ExecuteSqlRawAsync(db.Database.IsNpgsql() ? "VACUUM ANALYZE \"SearchDocuments\"" : "ANALYZE");
        }

        var search = sp.GetRequiredService<Features.Search.SearchService>();
        var anonymous = Actor.Anonymous(null);
        await output.WriteLineAsync($"published items: {count:N0}; runs per query: {runs}");
        await output.WriteLineAsync("| query | p50 ms | p95 ms | max ms | hits on page |");
        await output.WriteLineAsync("|---|---|---|---|---|");
        // Common in titles (苗, 器械, 冷链设, 疫苗流通专项), in bodies only (整改, 限期整改), in nothing (鑫, 链疫, 不存在的词).
        foreach (var query in new[] { "苗", "鑫", "器械", "链疫", "整改", "冷链设", "限期整改", "疫苗流通专项", "不存在的词" })
        {
            var times = new List<double>();
            var hits = 0;
            for (var i = 0; i < runs + 5; i++)
            {
                var watch = Stopwatch.StartNew();
                hits = (await search.SearchAsync(anonymous, query)).Items.Count;
                if (i >= 5) times.Add(watch.Elapsed.TotalMilliseconds);
            }

            times.Sort();
            await output.WriteLineAsync($"| {query} ({query.Length} chars) | {Percentile(times, 0.50):N2} | {Percentile(times, 0.95):N2} | {times[^1]:N2} | {hits} |");
        }

        // The references, in the same run: every match ranked by bm25 (the query shape before ADR 0052),
        // and the bare FTS5 match the issue compared it with.
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            var references = db.Database.IsNpgsql()
                ? new[]
                {
                    // The query shape before ADR 0052's PostgreSQL part: every ILIKE match sorted.
                    ("reference: 苗, every match sorted (before)", """SELECT d."RequestId" AS "Value" FROM "SearchDocuments" d WHERE d."OnExternalSite" AND (d."Title" || E'\n' || d."Body") ILIKE '%苗%' ORDER BY d."Title" ILIKE '%苗%' DESC, d."PublishedAt" DESC LIMIT 21"""),
                    ("reference: 鑫 (no match), every match sorted (before)", """SELECT d."RequestId" AS "Value" FROM "SearchDocuments" d WHERE d."OnExternalSite" AND (d."Title" || E'\n' || d."Body") ILIKE '%鑫%' ORDER BY d."Title" ILIKE '%鑫%' DESC, d."PublishedAt" DESC LIMIT 21"""),
                    ("reference: 疫苗流通专项, every match sorted (before)", """SELECT d."RequestId" AS "Value" FROM "SearchDocuments" d WHERE d."OnExternalSite" AND (d."Title" || E'\n' || d."Body") ILIKE '%疫苗流通专项%' ORDER BY d."Title" ILIKE '%疫苗流通专项%' DESC, d."PublishedAt" DESC LIMIT 21"""),
                }
                : new[]
            {
                ("reference: 疫苗流通专项, every match ranked by bm25", """SELECT f.rowid AS "Value" FROM search_fts f JOIN SearchDocuments d ON d.RequestId = f.rowid WHERE search_fts MATCH '"疫苗流通专项"' AND d.OnExternalSite = 1 ORDER BY bm25(search_fts, 5.0, 1.0), d.PublishedAt DESC LIMIT 21"""),
                ("reference: 冷链设, every match ranked by bm25", """SELECT f.rowid AS "Value" FROM search_fts f JOIN SearchDocuments d ON d.RequestId = f.rowid WHERE search_fts MATCH '"冷链设"' AND d.OnExternalSite = 1 ORDER BY bm25(search_fts, 5.0, 1.0), d.PublishedAt DESC LIMIT 21"""),
                ("reference: 疫苗流通专项, bare FTS5 match, first 21", """SELECT rowid AS "Value" FROM search_fts WHERE search_fts MATCH '"疫苗流通专项"' LIMIT 21"""),
            };
            foreach (var (name, sql) in references)
            {
                var times = new List<double>();
                var rows = 0;
                for (var i = 0; i < Math.Max(10, runs / 5) + 2; i++)
                {
                    var watch = Stopwatch.StartNew();
                    rows = (await db.Database.SqlQueryRaw<int>(sql).ToListAsync()).Count;
                    if (i >= 2) times.Add(watch.Elapsed.TotalMilliseconds);
                }

                times.Sort();
                await output.WriteLineAsync($"| {name} | {Percentile(times, 0.50):N2} | {Percentile(times, 0.95):N2} | {times[^1]:N2} | {rows} |");
            }
        }

        return 0;
    }

    private static async Task SeedPublishedAsync(IDbContextFactory<PortalDbContext> dbFactory, int count)
    {
        var random = new Random(7);
        var now = DateTimeOffset.UtcNow;
        string[] topics = ["疫苗流通专项检查", "医疗器械经营企业培训", "药品零售企业检查通报", "冷链设备巡查", "化妆品安全宣传", "食品抽检结果公告", "执法案件信息公开", "行政许可办理指南"];
        string[] fillers = ["县局召开专题会议，部署下一阶段工作。", "各股室要高度重视，认真落实。", "检查发现的问题已责令限期整改。", "请各单位按时报送材料。"];
        var (officer, head, director, leader, publisher, column, chain) = await BenchActorsAsync(dbFactory, now);
        const int batch = 2000;
        for (var done = 0; done < count; done += batch)
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            var requests = new List<PublicationRequest>();
            for (var i = 0; i < Math.Min(batch, count - done); i++)
            {
                var at = now.AddMinutes(-random.Next(0, 60 * 24 * 365));
                var topic = topics[random.Next(topics.Length)];
                var body = string.Join("", Enumerable.Range(0, 4).Select(_ => fillers[random.Next(fillers.Length)]));
                var request = PublicationRequest.Create(officer, new RequestContent($"{topic}（第{done + i}期）", $"<p>{topic}。{body}</p>", "县局办公室",
                    ContentKind.Text, Importance.Normal, DateOnly.FromDateTime(at.UtcDateTime), [column.Id], true), [], at);
                request.Submit(officer, chain, [Site.External], at);
                request.Approve(head, "同意", at);
                request.Approve(director, "同意", at);
                request.Approve(leader, "同意", at); // the internet needs a leader (ADR 0045)
                request.Publish(publisher, [column], at);
                requests.Add(request);
            }

            db.Requests.AddRange(requests);
            db.ChangeTracker.DetectChanges();
            await db.SaveChangesAsync();
            db.SearchDocuments.AddRange(requests.Select(r => new Features.Search.SearchDocument
            {
                RequestId = r.Id, Title = r.Title, Body = Infrastructure.Html.HtmlCleaner.ToText(r.BodyHtml), OnExternalSite = true, PublishedAt = r.PublishedAt!.Value,
            }));
            db.ChangeTracker.DetectChanges();
            await db.SaveChangesAsync();
        }
    }

    internal static async Task<(Actor Officer, Actor Head, Actor Director, Actor Leader, Actor Publisher, Column Column, ReviewChain Chain)> BenchActorsAsync(IDbContextFactory<PortalDbContext> dbFactory, DateTimeOffset now)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var chain = await db.ReviewChains.SingleAsync(c => c.IsActive);
        var column = await db.Columns.FirstOrDefaultAsync(c => c.Site == Site.External);
        if (column is null)
        {
            column = new Column { Site = Site.External, Name = "工作动态", SortOrder = 1, CreatedAt = now };
            db.Columns.Add(column);
        }

        var department = await db.Departments.FirstOrDefaultAsync();
        if (department is null)
        {
            department = new Department { Name = "测试股", SortOrder = 1, CreatedAt = now };
            db.Departments.Add(department);
        }

        await db.SaveChangesAsync();
        AppUser User(string name) => new() { UserName = name + "-" + Guid.NewGuid().ToString("N")[..6], DisplayName = name, DepartmentId = department.Id, CreatedAt = now, PasswordChangedAt = now, SecurityStamp = Guid.NewGuid().ToString() };
        var users = new[] { User("officer"), User("head"), User("director"), User("leader") };
        db.Users.AddRange(users);
        await db.SaveChangesAsync();
        Actor As(AppUser u, string role) => new(u.Id, u.UserName!, u.DisplayName, u.DepartmentId, new HashSet<string> { role }, null);
        return (As(users[0], Roles.Officer), As(users[1], Roles.DeptHead), As(users[2], Roles.OfficeDirector), As(users[3], Roles.Leader), As(users[2], Roles.Publisher), column, chain);
    }

    private static async Task<int> RunQueueAsync(IServiceProvider services, string[] args, TextWriter output)
    {
        var count = args.SkipWhile(a => a != "--requests").Skip(1).Select(int.Parse).FirstOrDefault(100_000);
        var runs = args.SkipWhile(a => a != "--runs").Skip(1).Select(int.Parse).FirstOrDefault(300);
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var dbFactory = sp.GetRequiredService<IDbContextFactory<PortalDbContext>>();

        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            var existing = await db.Requests.CountAsync();
            if (existing < count)
            {
                var seeding = Stopwatch.StartNew();
                var now = DateTimeOffset.UtcNow;
                await BulkSeeder.SeedAsync(dbFactory, count - existing, now.AddYears(-1), now, output);
                await output.WriteLineAsync($"seeded {count - existing:N0} requests in {seeding.Elapsed.TotalSeconds:N1} s");
            }
        }

        var review = sp.GetRequiredService<ReviewService>();
        var requests = sp.GetRequiredService<RequestService>();
        var (director, depthead) = await BulkSeeder.ReviewersAsync(dbFactory);
        async Task<int> Search(Actor reader, string q) => (await requests.ListAsync(reader, new RequestFilter(Query: q))).Count;

        // The reference, measured in the same run: the substring scan the search was before ADR 0052.
        async Task<int> Scan(Actor reader, string q)
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            var pattern = "%" + q + "%";
            return await db.Requests.AsNoTracking().VisibleTo(reader)
                .Where(r => EF.Functions.Like(r.Title.ToLower(), pattern) || EF.Functions.Like(r.BodyHtml.ToLower(), pattern))
                .OrderByDescending(r => r.Id).Take(50).CountAsync();
        }
        await output.WriteLineAsync($"requests: {count:N0}; runs per query: {runs}");
        await output.WriteLineAsync("| query | p50 ms | p95 ms | max ms | rows |");
        await output.WriteLineAsync("|---|---|---|---|---|");
        foreach (var (name, query) in new (string, Func<Task<int>>)[]
        {
            ("director: first page (50)", async () => (await review.QueueAsync(director, new QueueFilter())).Count),
            ($"director: page after id {count / 2:N0}", async () => (await review.QueueAsync(director, new QueueFilter(After: count / 2))).Count),
            ("director: overdue only", async () => (await review.QueueAsync(director, new QueueFilter(OverdueOnly: true))).Count),
            ("director: nav count", () => review.CountAsync(director)),
            ("director: whole queue counted (reference: the count before the cap)", () => review.CountUncappedAsync(director)),
            ("dept head: first page (50)", async () => (await review.QueueAsync(depthead, new QueueFilter())).Count),
            ("dept head: nav count", () => review.CountAsync(depthead)),
            ("director: q 药品安全 (in every title)", () => Search(director, "药品安全")),
            ("director: q 12345 (one title)", () => Search(director, "12345")),
            ("director: q 不存在的词 (no match)", () => Search(director, "不存在的词")),
            ("director: q 不存在的词, LIKE scan (reference: before ADR 0052)", () => Scan(director, "不存在的词")),
            ("director: q 12345, LIKE scan (reference)", () => Scan(director, "12345")),
            ("director: q 药 (1 character)", () => Search(director, "药")),
            ("director: q 县局 (2 characters)", () => Search(director, "县局")),
            ("dept head: q 药品安全 (own department)", () => Search(depthead, "药品安全")),
            ("dept head: q 12345", () => Search(depthead, "12345")),
        })
        {
            var times = new List<double>();
            var rows = 0;
            for (var i = 0; i < runs + 10; i++)
            {
                var watch = Stopwatch.StartNew();
                rows = await query();
                if (i >= 10)
                {
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }
            }

            times.Sort();
            await output.WriteLineAsync($"| {name} | {Percentile(times, 0.50):N2} | {Percentile(times, 0.95):N2} | {times[^1]:N2} | {rows} |");
        }

        return 0;
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

}
