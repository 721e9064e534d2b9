using System.Diagnostics;
using System.Text.RegularExpressions;
using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Columns;
using InfoPortal.Features.Requests;
using InfoPortal.Features.Review;
using InfoPortal.Features.Search;
using InfoPortal.Tests.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Features.Performance;

/// <summary>
/// Issue 12 item 4 (ADR 0052): the review queue, its counts, the back-office search and the site
/// search run each SQL command they send through SQLite's EXPLAIN QUERY PLAN, on a database with
/// a few thousand requests and its statistics gathered. A <c>SCAN</c> of a table that grows with
/// the agency's work (requests, decisions, versions, publications, search documents, audit,
/// notifications) fails: such a query is as slow at 1M rows as the table is long.
/// </summary>
public sealed class QueryPlanTests(QueryPlanTests.SeededPortal seeded) : IClassFixture<QueryPlanTests.SeededPortal>
{
    private static readonly HashSet<string> Growing = new(StringComparer.Ordinal)
    {
        "Requests", "Decisions", "ContentVersions", "RequestColumns", "Publications", "Attachments",
        "SearchDocuments", "AuditRecords", "Notifications", "ArchiveRecords", "ScreeningResults", "AttachmentTexts",
    };

    private readonly PortalFactory _app = seeded.App;

    private T Service<T>() where T : notnull => seeded.Scope.ServiceProvider.GetRequiredService<T>();

    /// <summary>One portal for the class: 3,000 requests, then ANALYZE as an operator's database would have it.</summary>
    public sealed class SeededPortal : IAsyncLifetime
    {
        public PortalFactory App { get; } = new();

        public IServiceScope Scope { get; private set; } = default!;

        public async Task InitializeAsync()
        {
            Scope = App.Services.CreateScope();
            await SeedAsync(App, 3000);
            await using var db = App.CreateDbContext();
            await db.Database.ExecuteSqlRawAsync("ANALYZE;");
        }

        public async Task DisposeAsync()
        {
            Scope.Dispose();
            await App.DisposeAsync();
        }
    }

    [Fact]
    public async Task ReviewQueue_EveryFilter_AndTheCounts_SearchIndexes()
    {
        var review = Service<ReviewService>();
        var director = await _app.ActorAsync("director");
        var depthead = await _app.ActorAsync("depthead");
        var leader = await _app.ActorAsync("leader");
        int column, department;
        await using (var db = _app.CreateDbContext())
        {
            column = await db.Columns.Where(c => c.Site == Site.External).Select(c => c.Id).FirstAsync();
            department = await db.Departments.Select(d => d.Id).FirstAsync();
        }

        var plans = await PlansOfAsync(async () =>
        {
            foreach (var actor in new[] { director, depthead, leader })
            {
                Assert.NotNull(await review.QueueAsync(actor, new QueueFilter()));
                Assert.NotNull(await review.QueueAsync(actor, new QueueFilter(After: 1500)));
                Assert.NotNull(await review.QueueAsync(actor, new QueueFilter(OverdueOnly: true)));
                Assert.NotNull(await review.QueueAsync(actor, new QueueFilter(DepartmentId: department)));
                Assert.NotNull(await review.QueueAsync(actor, new QueueFilter(Importance: Importance.Important)));
                Assert.NotNull(await review.QueueAsync(actor, new QueueFilter(ColumnId: column)));
                Assert.InRange(await review.CountAsync(actor), 0, ReviewService.CountCap);
            }
        });

        AssertNoScanOfGrowingTables(plans);
    }

    [Fact]
    public async Task Counts_StopAtTheCap_AndShowAsNinetyNinePlus()
    {
        var review = Service<ReviewService>();
        var director = await _app.ActorAsync("director");
        await using var db = _app.CreateDbContext();
        var waiting = await db.Requests.CountAsync(r => r.Status == RequestStatus.InReview && r.CurrentRole == Roles.OfficeDirector);
        Assert.True(waiting > ReviewService.CountCap, $"the seed puts {waiting} requests at the director's step");
        Assert.Equal(ReviewService.CountCap, await review.CountAsync(director));
        Assert.Equal("99+", ReviewService.CountText(await review.CountAsync(director)));
        Assert.Equal("7", ReviewService.CountText(7));
    }

    [Fact]
    public async Task BackOfficeSearch_OneTwoThreeAndSixCharacters_ReadsTheTextIndexes()
    {
        var requests = Service<RequestService>();
        var readers = new[] { await _app.ActorAsync("director"), await _app.ActorAsync("officer"), await _app.ActorAsync("depthead") };
        var found = new Dictionary<string, int>(StringComparer.Ordinal);
        var plans = await PlansOfAsync(async () =>
        {
            foreach (var reader in readers)
            {
                foreach (var q in new[] { "苗", "冷链", "药品安", "疫苗流通专项", "不存在的词语", "100%" })
                {
                    found[q] = (await requests.ListAsync(reader, new RequestFilter(Query: q, Limit: 50))).Count;
                    Assert.NotNull(await requests.ListAsync(reader, new RequestFilter(Query: q, Status: RequestStatus.InReview, Limit: 50)));
                }
            }
        });

        Assert.Equal(0, found["不存在的词语"]);
        Assert.True(found["疫苗流通专项"] > 0, "the depthead sees matches for the six-character query");
        AssertNoScanOfGrowingTables(plans);
    }

    [Fact]
    public async Task SiteSearch_OneTwoThreeAndSixCharacters_ReadsTheTextIndexes()
    {
        var search = Service<SearchService>();
        var hits = new Dictionary<string, int>(StringComparer.Ordinal);
        var plans = await PlansOfAsync(async () =>
        {
            foreach (var q in new[] { "苗", "冷链", "药品安", "疫苗流通专项" })
            {
                hits[q] = (await search.SearchAsync(Actor.Anonymous(null), q)).Items.Count;
            }
        });

        Assert.All(hits, h => Assert.True(h.Value > 0, $"site search finds {h.Key}"));
        AssertNoScanOfGrowingTables(plans);

        // Ranked in the index's own order and stopped at the page: no sort of every match. Only the
        // search's own commands count: the listener also hears the background workers on this file
        // (the outbox's poll sorts its few due rows, and once failed this test by arriving mid-search).
        var sorted = plans.Where(p => p.Sql.Contains("Search", StringComparison.Ordinal) && p.Plan.Any(l => l.Contains("TEMP B-TREE FOR ORDER BY", StringComparison.Ordinal))).Select(p => p.Sql + "\n  plan: " + string.Join(" | ", p.Plan)).ToList();
        Assert.True(sorted.Count == 0, "site search sorts every match:\n" + string.Join("\n", sorted));
    }

    [Fact]
    public async Task FileReviewWorklist_StartsFromTheNoteIndex()
    {
        var reviews = Service<ManualFileReviewService>();
        var secrecy = await _app.ActorAsync("secrecy");
        // One scanned file on an item in review, so the audit lookup runs too.
        var sha = new string('e', 64);
        await using (var db = _app.CreateDbContext())
        {
            if (!await db.AttachmentTexts.AnyAsync(t => t.Sha256 == sha))
            {
                var inReview = await db.Requests.Where(r => r.Status == RequestStatus.InReview).Select(r => r.Id).FirstAsync();
                db.Attachments.Add(new Attachment { RequestId = inReview, Sha256 = sha, FileName = "扫描件.pdf", ContentType = "application/pdf", Size = 1, CreatedAt = DateTimeOffset.UtcNow });
                db.AttachmentTexts.Add(new InfoPortal.Features.Screening.AttachmentText { Sha256 = sha, Note = InfoPortal.Features.Screening.AttachmentTextExtractor.Scanned, ExtractedAt = DateTimeOffset.UtcNow });
                await db.SaveChangesAsync();
                // An audit log of an agency's size (the seed writes few records, and SQLite scans a tiny
                // table whatever its indexes): 6,000 records of forty actions, a dozen of them manual reviews, then
                // fresh statistics. With three actions SQLite rightly scans for a third of the table.
                await db.Database.ExecuteSqlRawAsync("""
                    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6000)
                    INSERT INTO "AuditRecords" ("Sequence", "At", "ActorName", "Action", "Target", "Outcome", "PreviousHash", "Hash")
                    SELECT 1000000 + i, 0, 'plan-test', CASE WHEN i % 500 = 0 THEN 'AttachmentManuallyReviewed' ELSE 'Action' || (i % 40) END,
                           'file:' || i, 'Success', '', '' FROM n;
                    ANALYZE;
                    """);
            }
        }

        IReadOnlyList<PendingFileReview> pending = [];
        var plans = await PlansOfAsync(async () => pending = await reviews.PendingAsync(secrecy));

        Assert.Contains(pending, p => p.FileName == "扫描件.pdf");
        Assert.Contains(plans, p => p.Sql.Contains("AuditRecords", StringComparison.Ordinal));

        AssertNoScanOfGrowingTables(plans);
    }

    /// <summary>Fails naming every command that scans a growing table, with its plan.</summary>
    private static void AssertNoScanOfGrowingTables(IReadOnlyList<(string Sql, IReadOnlyList<string> Plan)> plans)
    {
        Assert.NotEmpty(plans);
        var scans = new List<string>();
        foreach (var (sql, plan) in plans)
        {
            // The plan names a table by its alias (FROM "Requests" AS "r" → SCAN r).
            var aliases = Regex.Matches(sql, "\"(\\w+)\" AS \"(\\w+)\"").ToDictionary(m => m.Groups[2].Value, m => m.Groups[1].Value, StringComparer.Ordinal);
            foreach (var line in plan)
            {
                if (Regex.Match(line, @"^SCAN (\w+)") is { Success: true } scan)
                {
                    var table = aliases.GetValueOrDefault(scan.Groups[1].Value, scan.Groups[1].Value);
                    if (Growing.Contains(table))
                    {
                        scans.Add($"{line} ({table})\n  in: {sql}\n  plan: {string.Join(" | ", plan)}");
                    }
                }
            }
        }

        Assert.True(scans.Count == 0, "full scans of growing tables:\n" + string.Join("\n", scans));
    }

    /// <summary>Runs <paramref name="work"/>, catches every command it sends to this test's database, and explains each.</summary>
    private async Task<IReadOnlyList<(string Sql, IReadOnlyList<string> Plan)>> PlansOfAsync(Func<Task> work)
    {
        var file = new SqliteConnectionStringBuilder(_app.ConnectionString).DataSource;
        var captured = new List<(string Sql, List<(string Name, object? Value)> Parameters)>();
        using var listener = new CommandListener(c => c is SqliteConnection sqlite && sqlite.DataSource == file, captured);
        using (DiagnosticListener.AllListeners.Subscribe(listener))
        {
            await work();
        }

        var plans = new List<(string, IReadOnlyList<string>)>();
        await using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly");
        await connection.OpenAsync();
        List<(string Sql, List<(string Name, object? Value)> Parameters)> commands;
        lock (captured)
        {
            commands = [.. captured];
        }

        foreach (var (sql, parameters) in commands.Where(c => c.Sql.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase) || c.Sql.TrimStart().StartsWith("WITH", StringComparison.OrdinalIgnoreCase)))
        {
            await using var explain = connection.CreateCommand();
            explain.CommandText = "EXPLAIN QUERY PLAN " + sql;
            foreach (var (name, value) in parameters)
            {
                explain.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }

            var plan = new List<string>();
            await using var reader = await explain.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(3));
            }

            plans.Add((sql, plan));
        }

        return plans;
    }

    /// <summary>EF Core's diagnostic events for the commands sent over the connections <paramref name="matches"/> accepts (one test's database).</summary>
    internal sealed class CommandListener(Func<System.Data.Common.DbConnection, bool> matches, List<(string Sql, List<(string Name, object? Value)> Parameters)> captured)
        : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly List<IDisposable> _subscriptions = [];

        public void OnNext(DiagnosticListener value)
        {
            if (value.Name == DbLoggerCategory.Name)
            {
                lock (_subscriptions)
                {
                    _subscriptions.Add(value.Subscribe(this));
                }
            }
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Key == RelationalEventId.CommandExecuting.Name && value.Value is CommandEventData data
                && data.Command.Connection is { } connection && matches(connection))
            {
                var parameters = data.Command.Parameters.Cast<System.Data.Common.DbParameter>().Select(p => (p.ParameterName, (object?)p.Value)).ToList();
                lock (captured)
                {
                    captured.Add((data.Command.CommandText, parameters));
                }
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void Dispose()
        {
            lock (_subscriptions)
            {
                _subscriptions.ForEach(s => s.Dispose());
            }
        }
    }

    /// <summary>Requests in the mix of a busy agency, through the entity's own transitions, some published and indexed for the site.</summary>
    internal static async Task SeedAsync(PortalFactory app, int count)
    {
        var officer = await app.ActorAsync("officer");
        var officer2 = await app.ActorAsync("officer2");
        var depthead = await app.ActorAsync("depthead");
        var director = await app.ActorAsync("director");
        var leader = await app.ActorAsync("leader");
        var publisher = await app.ActorAsync("publisher");
        string[] topics = ["疫苗流通专项检查", "医疗器械经营企业培训", "药品安全宣传", "冷链设备巡查", "100% 覆盖的抽检"];
        var random = new Random(12);
        var now = DateTimeOffset.UtcNow;
        await using var db = app.CreateDbContext();
        var chain = await db.ReviewChains.SingleAsync(c => c.IsActive);
        var column = await db.Columns.FirstAsync(c => c.Site == Site.External);
        var published = new List<PublicationRequest>();
        for (var i = 0; i < count; i++)
        {
            var author = i % 3 == 0 ? officer2 : officer;
            var topic = topics[random.Next(topics.Length)];
            var request = PublicationRequest.Create(author, new RequestContent($"{topic}（第{i}期）", $"<p>{topic}，县局部署。</p>", "县局办公室",
                ContentKind.Text, i % 5 == 0 ? Importance.Important : Importance.Normal, DateOnly.FromDateTime(now.UtcDateTime), [column.Id], true), [], now);
            var roll = random.Next(10);
            if (roll >= 1)
            {
                request.Submit(author, chain, [Site.External], now);
                if (roll >= 4 && author == officer)
                {
                    request.Approve(depthead, "同意", now);
                }

                if (roll >= 7 && request.CurrentRole == Roles.OfficeDirector)
                {
                    request.Approve(director, "同意", now);
                    if (request.CurrentRole == Roles.Leader)
                    {
                        request.Approve(leader, "同意", now);
                    }

                    if (request.Status == RequestStatus.Approved)
                    {
                        request.Publish(publisher, [column], now);
                        published.Add(request);
                    }
                }
            }

            db.Requests.Add(request);
        }

        await db.SaveChangesAsync();
        db.SearchDocuments.AddRange(published.Select(r => new SearchDocument
        {
            RequestId = r.Id, Title = r.Title, Body = InfoPortal.Infrastructure.Html.HtmlCleaner.ToText(r.BodyHtml), OnExternalSite = true, PublishedAt = r.PublishedAt!.Value,
        }));
        await db.SaveChangesAsync();
    }
}
