using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using InfoPortal.Data;
using InfoPortal.Features.Screening;
using InfoPortal.Features.Screening.Lists;
using InfoPortal.Infrastructure.Cluster;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Infrastructure.Cluster;

/// <summary>
/// Several instances on one database (issue 13, ADR 0021 §4): a word-list change reaches the
/// other instance within a second, a step is never decided on an older list, instances starting
/// together on an empty database both come up, and a rolled-back change announces nothing.
/// </summary>
public sealed class ClusterSignalTests
{
    /// <summary>Two hosts on one database and one file store, as two instances behind a proxy.</summary>
    private static async Task<(PortalFactory First, PortalFactory Second)> TwoInstancesAsync(string provider, double checkSeconds, bool startTogether = false)
    {
        var first = await PortalFactory.CreateAsync(provider);
        var second = new PortalFactory(provider, provider == "Postgres" ? first.ConnectionString : null)
            .With("ConnectionStrings:Portal", first.ConnectionString)
            .With("Storage:Root", first.StorageRoot);
        foreach (var app in new[] { first, second })
        {
            app.With("Cluster:CheckSeconds", checkSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (startTogether)
        {
            await Task.WhenAll(Task.Run(() => first.Services), Task.Run(() => second.Services));
        }
        else
        {
            _ = first.Services;
            _ = second.Services;
        }

        await first.Services.GetRequiredService<ClusterSignalListener>().Listening.WaitAsync(TimeSpan.FromSeconds(30));
        await second.Services.GetRequiredService<ClusterSignalListener>().Listening.WaitAsync(TimeSpan.FromSeconds(30));
        return (first, second);
    }

    private static async Task<TimeSpan?> WaitUntilAsync(Func<bool> condition, TimeSpan deadline)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < deadline)
        {
            if (condition())
            {
                return watch.Elapsed;
            }

            await Task.Delay(20);
        }

        return condition() ? watch.Elapsed : null;
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AddTerm_OnOneInstance_BlocksOnTheOtherWithinOneSecond(string provider)
    {
        // PostgreSQL: the version check is pushed out of reach, so only LISTEN/NOTIFY can deliver in time.
        // SQLite (one instance by design): the version check is the path, and it runs twice a second.
        var (first, second) = await TwoInstancesAsync(provider, provider == "Postgres" ? 600 : 0.5);
        await using var _first = first;
        await using var _second = second;
        const string term = "青松计划";
        var otherScreening = second.Services.GetRequiredService<ScreeningService>();
        Assert.False(otherScreening.Check($"关于{term}的通知").Blocked);

        using var secrecy = await ApiClient.SignInAsync(first, "secrecy");
        var created = await ApiClient.EnsureAsync(await secrecy.Http.PostAsJsonAsync("/api/v1/screening/lists", new { name = "集群词表", category = "Sensitive" }), HttpStatusCode.Created);
        var listId = created.GetProperty("id").GetInt32();
        var added = Stopwatch.StartNew();
        await ApiClient.EnsureAsync(await secrecy.Http.PostAsJsonAsync($"/api/v1/screening/lists/{listId}/terms", new { text = term, level = "Block" }), HttpStatusCode.OK);
        added.Stop();

        // The changing instance has it when the call returns; the other within a second of the commit.
        Assert.True(first.Services.GetRequiredService<ScreeningService>().Check($"关于{term}的通知").Blocked);
        var seen = await WaitUntilAsync(() => otherScreening.Check($"关于{term}的通知").Blocked, TimeSpan.FromSeconds(5));
        Assert.NotNull(seen);
        Assert.True(seen < TimeSpan.FromSeconds(1), $"the other instance saw the term after {seen!.Value.TotalMilliseconds:F0} ms");

        // And it refuses a submission containing it there.
        using var officer = await ApiClient.SignInAsync(second, "officer");
        var id = await officer.DraftAsync("集群测试", body: $"<p>关于{term}的通知。</p>");
        var problem = await ApiClient.EnsureAsync(await officer.SubmitAsync(id), (HttpStatusCode)422);
        Assert.Contains(term, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Submit_OnAnInstanceThatMissedTheChange_IsDecidedOnTheNewestList(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider, f => f.With("Cluster:CheckSeconds", "600"));
        using var officer = await ApiClient.SignInAsync(app, "officer");
        const string term = "白杨工程";
        var id = await officer.DraftAsync("列表版本", body: $"<p>{term}进展顺利。</p>");
        await app.Services.GetRequiredService<ClusterSignalListener>().Listening.WaitAsync(TimeSpan.FromSeconds(30));

        // A change committed without this instance hearing of it (as if its notification were lost):
        // the term and the next revision, written straight into the database.
        int revision;
        await using (var db = app.CreateDbContext())
        {
            var list = new WordList { Name = "漏听", Category = ScreeningCategories.Sensitive, CreatedAt = DateTimeOffset.UtcNow };
            list.Terms.Add(new Term { Text = term, Category = ScreeningCategories.Sensitive, Level = InfoPortal.Features.Screening.Engine.ScreeningLevel.Block, UpdatedAt = DateTimeOffset.UtcNow });
            db.WordLists.Add(list);
            revision = (await db.WordListRevisions.MaxAsync(r => (int?)r.Number) ?? 0) + 1;
            db.WordListRevisions.Add(new WordListRevision { Number = revision, ActorName = "test", At = DateTimeOffset.UtcNow, Summary = "behind the instance's back" });
            await db.SaveChangesAsync();
        }

        var screening = app.Services.GetRequiredService<ScreeningService>();
        Assert.False(screening.Check(term).Blocked);

        var problem = await ApiClient.EnsureAsync(await officer.SubmitAsync(id), (HttpStatusCode)422);
        Assert.Equal(WordListCompiler.VersionOf(revision), problem.GetProperty("listVersion").GetString());
        await using var check = app.CreateDbContext();
        var result = await check.ScreeningResults.Where(r => r.RequestId == id).OrderByDescending(r => r.Id).FirstAsync();
        Assert.False(result.Passed);
        Assert.Equal(WordListCompiler.VersionOf(revision), result.ListVersion);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Start_TwoInstancesTogetherOnAnEmptyDatabase_BothServeOneSeededAgency(string provider)
    {
        var (first, second) = await TwoInstancesAsync(provider, 5, startTogether: true);
        await using var _first = first;
        await using var _second = second;

        foreach (var app in new[] { first, second })
        {
            using var client = app.CreatePortalClient();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
        }

        await using var db = first.CreateDbContext();
        var names = await db.Departments.Select(d => d.Name).ToListAsync();
        Assert.NotEmpty(names);
        Assert.Equal(names.Count, names.Distinct().Count());
        // The shared store is marked once (PostgreSQL only: a SQLite file has one instance by definition).
        Assert.Equal(provider == "Postgres" ? 1 : 0, await db.ClusterVersions.CountAsync(v => v.Topic == InfoPortal.Infrastructure.Files.FileStoreCheck.MarkerTopic));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Bump_InARolledBackTransaction_ChangesNothingAndIsNotHandled(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider, f => f.With("Cluster:CheckSeconds", "600"));
        var dispatcher = app.Services.GetRequiredService<ClusterSignalDispatcher>();
        var handled = new List<ClusterSignalEvent>();
        dispatcher.Handled += s => { lock (handled) handled.Add(s); };
        await app.Services.GetRequiredService<ClusterSignalListener>().Listening.WaitAsync(TimeSpan.FromSeconds(30));

        // The demo agency's publications have bumped the topic already: count from where it stands.
        long before;
        await using (var db = app.CreateDbContext())
        {
            before = await db.ClusterVersions.Where(v => v.Topic == ClusterTopics.PublicSite).Select(v => (long?)v.Version).SingleOrDefaultAsync() ?? 0;
        }

        await using (var db = app.CreateDbContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            Assert.Equal(before + 1, await ClusterSignal.BumpAsync(db, ClusterTopics.PublicSite, [ClusterTopics.ArticleTag(7)]));
            await transaction.RollbackAsync();
        }

        await using (var db = app.CreateDbContext())
        {
            Assert.Equal(before, await db.ClusterVersions.Where(v => v.Topic == ClusterTopics.PublicSite).Select(v => (long?)v.Version).SingleOrDefaultAsync() ?? 0);
            await Assert.ThrowsAsync<InvalidOperationException>(() => ClusterSignal.BumpAsync(db, ClusterTopics.PublicSite));

            // A committed bump is handled, with its tags, on this instance when the commit returns.
            await using var transaction = await db.Database.BeginTransactionAsync();
            Assert.Equal(before + 1, await ClusterSignal.BumpAsync(db, ClusterTopics.PublicSite, [ClusterTopics.HomeTag, ClusterTopics.ArticleTag(7)]));
            await transaction.CommitAsync();
        }

        lock (handled)
        {
            // Nothing of the rolled-back bump was handled: the one signal of version before + 1 is the committed one.
            var signal = Assert.Single(handled, s => s.Topic == ClusterTopics.PublicSite && s.Version == before + 1);
            Assert.Equal(new[] { ClusterTopics.HomeTag, ClusterTopics.ArticleTag(7) }, signal.Tags);
        }

        Assert.Equal(before + 1, dispatcher.HandledVersion(ClusterTopics.PublicSite));
    }

    [Fact]
    public void Payload_RoundTrips_AndRejectsGarbage()
    {
        var signal = new ClusterSignalEvent(ClusterTopics.PublicSite, 42, [ClusterTopics.HomeTag, ClusterTopics.ColumnTag(3), ClusterTopics.ArticleTag(9)]);
        Assert.Equal("public-site:42:home,column:3,article:9", signal.ToPayload());
        var back = ClusterSignalEvent.Parse(signal.ToPayload());
        Assert.NotNull(back);
        Assert.Equal(signal.Topic, back.Topic);
        Assert.Equal(signal.Version, back.Version);
        Assert.Equal(signal.Tags, back.Tags);
        Assert.True(ClusterSignalEvent.Parse("word-lists:7")!.IsEverything);
        Assert.Null(ClusterSignalEvent.Parse("word-lists"));
        Assert.Null(ClusterSignalEvent.Parse("word-lists:x"));

        // Too many tags for one notification: sent as "everything changed" rather than cut short.
        var many = new ClusterSignalEvent(ClusterTopics.PublicSite, 1, [.. Enumerable.Range(1, 2000).Select(ClusterTopics.ArticleTag)]);
        Assert.True(ClusterSignalEvent.Parse(many.ToPayload())!.IsEverything);
    }
}
