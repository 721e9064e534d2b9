using System.Data.Common;
using System.Runtime.CompilerServices;
using InfoPortal.Features.Columns;
using InfoPortal.Data;
using InfoPortal.Features.Requests;
using InfoPortal.Infrastructure.Cluster;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Features.PublicSite;

/// <summary>
/// Evicts the public pages a saved change affects, after the change commits. Watching the change
/// tracker, instead of calling the cache from each service, covers every path that publishes,
/// schedules, takes down or edits a column (the API, the back office, the scheduled-publishing job,
/// monitoring's takedown) without touching their transactions: a publication names its article
/// and column, a column change reaches every page (each shows the column navigation), an
/// interaction message the interaction list. Inside an explicit transaction the tags wait for
/// its commit and are dropped on rollback.
/// <para>
/// The same tags also go to every other instance: right after the commit the
/// <c>public-site</c> cluster topic is bumped (ADR 0021 §4) with a notification on PostgreSQL, and
/// the version check finds it after a missed notification; <see cref="PublicSiteSignalHandler"/>
/// evicts them there.
/// </para>
/// </summary>
public sealed class PublicSiteCacheInterceptor(PublicSiteCache cache, IServiceProvider services, ILogger<PublicSiteCacheInterceptor> logger) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    private readonly ConditionalWeakTable<DbContext, HashSet<string>> _pending = [];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        FlushIfCommitted(eventData.Context).GetAwaiter().GetResult();
        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        await FlushIfCommitted(eventData.Context);
        return result;
    }

    // Inside a transaction a failed save leaves the decision to its commit or rollback; evicting
    // a page too many is harmless, one too few is the bug.
    public override void SaveChangesFailed(DbContextErrorEventData eventData) => DropIfNoTransaction(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        DropIfNoTransaction(eventData.Context);
        return Task.CompletedTask;
    }

    void IDbTransactionInterceptor.TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) =>
        Flush(eventData.Context).GetAwaiter().GetResult();

    Task IDbTransactionInterceptor.TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken) =>
        Flush(eventData.Context);

    void IDbTransactionInterceptor.TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Drop(eventData.Context);

    Task IDbTransactionInterceptor.TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken)
    {
        Drop(eventData.Context);
        return Task.CompletedTask;
    }

    /// <summary>The tags of what this save changes.</summary>
    internal static IEnumerable<string> TagsOf(DbContext context)
    {
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
            {
                continue;
            }

            switch (entry.Entity)
            {
                case Publication publication:
                    yield return PublicSiteCache.HomeTag;
                    yield return PublicSiteCache.ArticleTag(publication.RequestId);
                    yield return PublicSiteCache.ColumnTag(publication.ColumnId);
                    if (entry.State == EntityState.Modified && entry.Property(nameof(Publication.ColumnId)).OriginalValue is int before)
                    {
                        yield return PublicSiteCache.ColumnTag(before);
                    }

                    break;
                case Column:
                    yield return PublicSiteCache.AllTag;
                    break;
                case IShownOnPublicPages shown:
                    yield return shown.PublicCacheTag;
                    break;
            }
        }
    }

    private List<string> Collect(DbContext? context)
    {
        if (context is null)
        {
            return [];
        }

        var tags = TagsOf(context).Distinct(StringComparer.Ordinal).ToList();
        if (tags.Count > 0)
        {
            _pending.GetOrCreateValue(context).UnionWith(tags);
        }

        return tags;
    }

    /// <summary>Without an explicit transaction, SaveChanges has committed when it returns.</summary>
    private Task FlushIfCommitted(DbContext? context) =>
        context?.Database.CurrentTransaction is null ? Flush(context) : Task.CompletedTask;

    private async Task Flush(DbContext? context)
    {
        if (context is null || !_pending.TryGetValue(context, out var tags))
        {
            return;
        }

        _pending.Remove(context);
        // The change is committed: evicting must not be cancelled by the caller going away.
        await cache.EvictAsync(tags, CancellationToken.None);
        await AnnounceAsync(tags);
    }

    /// <summary>
    /// Tells the other instances (ADR 0021 §4) in a short transaction of its own, right after the
    /// change committed. Not inside the change's transaction: the topic's row lock would then be
    /// held for the rest of that transaction, and a second context of the same command that saves a
    /// public-site entity would wait on it forever (seen on PostgreSQL). A crash between the two
    /// commits leaves the other instances' pages until the cache lifetime (10 minutes) ends.
    /// </summary>
    private async Task AnnounceAsync(IReadOnlyCollection<string> tags)
    {
        try
        {
            var factory = services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
            await using var db = await factory.CreateDbContextAsync(CancellationToken.None);
            await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
            await ClusterSignal.BumpAsync(db, ClusterTopics.PublicSite, tags, CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogError(e, "Could not announce the public-site change {Tags} to the other instances", string.Join(' ', tags));
        }
    }

    private void DropIfNoTransaction(DbContext? context)
    {
        if (context?.Database.CurrentTransaction is null)
        {
            Drop(context);
        }
    }

    private void Drop(DbContext? context)
    {
        if (context is not null)
        {
            _pending.Remove(context);
        }
    }
}

/// <summary>
/// Evicts on this instance what a change on another instance (or this one) announced on the
/// <c>public-site</c> cluster topic; "everything" (a missed notification found by the version
/// check) evicts every public page.
/// </summary>
public sealed class PublicSiteSignalHandler(PublicSiteCache cache) : IClusterTopicHandler
{
    public string Topic => ClusterTopics.PublicSite;

    public Task HandleAsync(ClusterSignalEvent signal, CancellationToken cancellationToken) =>
        cache.EvictAsync(signal.IsEverything ? [PublicSiteCache.AllTag] : signal.Tags!, CancellationToken.None);
}
