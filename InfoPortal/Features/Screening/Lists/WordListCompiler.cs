using System.Data;
using InfoPortal.Data;
using InfoPortal.Features.Screening.Engine;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Features.Screening.Lists;

/// <summary>
/// Compiles the engine from the built-in markings plus every list term in the database and swaps it
/// into <see cref="ScreeningEngineHolder"/>. Compilation runs outside any lock; readers keep the
/// engine they started with; a slower reload of an older revision never replaces a newer one.
/// </summary>
public sealed class WordListCompiler(IDbContextFactory<PortalDbContext> dbFactory, ScreeningEngineHolder holder, BuiltInTermSet builtIns, ILogger<WordListCompiler> logger)
{
    /// <summary>The built-in markings compiled into every engine (the agency's places included).</summary>
    public IReadOnlyList<ScreeningTerm> BuiltIns => builtIns.Terms;

    public static string VersionOf(int revision) => revision == 0 ? ScreeningService.BuiltInListVersion : $"lists-r{revision}";

    public string CurrentVersion => holder.Snapshot.Version;

    private static async Task<Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction> BeginSqliteReadAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = (Microsoft.Data.Sqlite.SqliteConnection)db.Database.GetDbConnection();
        return await db.Database.UseTransactionAsync(connection.BeginTransaction(deferred: true), cancellationToken)
            ?? throw new InvalidOperationException("No transaction.");
    }

    /// <summary>
    /// Makes sure the engine is not older than the newest committed list revision as
    /// <paramref name="db"/> sees it (the deciding command's context), recompiling first if it is:
    /// a step is never decided on an older list than the newest one (ADR 0021 §4). One indexed
    /// MAX per decision; the revision moves with the <c>word-lists</c> cluster version.
    /// </summary>
    public async Task EnsureCurrentAsync(PortalDbContext db, CancellationToken cancellationToken = default)
    {
        var newest = await db.WordListRevisions.MaxAsync(r => (int?)r.Number, cancellationToken) ?? 0;
        if (newest > holder.Snapshot.Revision)
        {
            logger.LogInformation("Screening lists r{Held} are older than r{Newest}; recompiling before deciding", holder.Snapshot.Revision, newest);
            await ReloadAsync(cancellationToken);
        }
    }

    /// <summary>As above with a context of its own (jobs that decide outside a command's context).</summary>
    public async Task EnsureCurrentAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await EnsureCurrentAsync(db, cancellationToken);
    }

    public async Task ReloadAsync(CancellationToken cancellationToken = default)
    {
        int revision;
        List<ScreeningTerm> terms;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            // One snapshot: the terms and the revision number they belong to. On SQLite the snapshot is a
            // deferred (read) transaction: the default BEGIN IMMEDIATE would hold the only write lock
            // while 50,000 terms are read (ADR 0025).
            await using var transaction = db.Database.IsSqlite()
                ? await BeginSqliteReadAsync(db, cancellationToken)
                : await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
            revision = await db.WordListRevisions.MaxAsync(r => (int?)r.Number, cancellationToken) ?? 0;
            terms = await db.Terms.AsNoTracking().Select(t => new ScreeningTerm(t.Text, t.Category, t.Level, t.Variants)).ToListAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        var engine = ScreeningEngine.Compile([.. builtIns.Terms, .. terms]);
        if (holder.TrySwap(engine, VersionOf(revision), revision))
        {
            logger.LogInformation("Screening lists {Version} compiled: {Count} terms", VersionOf(revision), terms.Count + builtIns.Terms.Count);
        }
    }
}

/// <summary>
/// The <c>word-lists</c> cluster topic: another instance (or this one) changed the lists, so
/// recompile unless the engine already has the newest revision (the same signal may arrive twice).
/// </summary>
public sealed class WordListSignalHandler(WordListCompiler compiler) : Infrastructure.Cluster.IClusterTopicHandler
{
    public string Topic => Infrastructure.Cluster.ClusterTopics.WordLists;

    public Task HandleAsync(Infrastructure.Cluster.ClusterSignalEvent signal, CancellationToken cancellationToken) =>
        compiler.EnsureCurrentAsync(cancellationToken);
}

/// <summary>Compiles the lists from the database at start-up (after the migrations ran).</summary>
public sealed class WordListLoader(WordListCompiler compiler) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => compiler.ReloadAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
