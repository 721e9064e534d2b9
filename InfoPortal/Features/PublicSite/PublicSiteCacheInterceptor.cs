using System.Data.Common;
using System.Runtime.CompilerServices;
using InfoPortal.Features.Columns;
using InfoPortal.Features.Interaction;
using InfoPortal.Features.Requests;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace InfoPortal.Features.PublicSite;

/// <summary>
/// Evicts the public pages a saved change affects, after the change commits. Watching the change
/// tracker, instead of calling the cache from each service, covers every path that publishes,
/// schedules, takes down or edits a column (the API, the back office, the scheduled-publishing job,
/// monitoring's takedown) without touching their transactions: a publication names its article
/// and column, a column change reaches every page (each shows the column navigation), an
/// interaction message the interaction list. Inside an explicit transaction the tags wait for
/// its commit and are dropped on rollback.
/// </summary>
public sealed class PublicSiteCacheInterceptor(PublicSiteCache cache) : SaveChangesInterceptor, IDbTransactionInterceptor
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
                case InteractionMessage:
                    yield return PublicSiteCache.InteractionTag;
                    break;
            }
        }
    }

    private void Collect(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        var tags = TagsOf(context).ToList();
        if (tags.Count > 0)
        {
            _pending.GetOrCreateValue(context).UnionWith(tags);
        }
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
