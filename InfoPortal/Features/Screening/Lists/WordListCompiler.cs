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
public sealed class WordListCompiler(IDbContextFactory<PortalDbContext> dbFactory, ScreeningEngineHolder holder, ILogger<WordListCompiler> logger)
{
    public static string VersionOf(int revision) => revision == 0 ? ScreeningService.BuiltInListVersion : $"lists-r{revision}";

    public string CurrentVersion => holder.Snapshot.Version;

    private static async Task<Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction> BeginSqliteReadAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = (Microsoft.Data.Sqlite.SqliteConnection)db.Database.GetDbConnection();
        return await db.Database.UseTransactionAsync(connection.BeginTransaction(deferred: true), cancellationToken)
            ?? throw new InvalidOperationException("No transaction.");
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
            terms = await db.Terms.AsNoTracking().Select(t => new ScreeningTerm(t.Text, t.Category, t.Level)).ToListAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        var engine = ScreeningEngine.Compile([.. BuiltInTerms.All, .. terms]);
        if (holder.TrySwap(engine, VersionOf(revision), revision))
        {
            logger.LogInformation("Screening lists {Version} compiled: {Count} terms", VersionOf(revision), terms.Count + BuiltInTerms.All.Count);
        }
    }
}

/// <summary>Compiles the lists from the database at start-up (after the migrations ran).</summary>
public sealed class WordListLoader(WordListCompiler compiler) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => compiler.ReloadAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
