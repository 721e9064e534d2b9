using System.Data.Common;
using InfoPortal.Data;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace InfoPortal.Infrastructure.Cluster;

/// <summary>
/// Hands the signals a transaction bumped to this instance's handlers once it has committed (and
/// drops them on a rollback). This is how a word-list change is in force on this instance when the
/// call returns, on both providers; the other instances hear the PostgreSQL notification.
/// </summary>
internal sealed class ClusterCommitInterceptor(IServiceProvider services) : DbTransactionInterceptor
{
    public override async Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is PortalDbContext { PendingClusterSignals.Count: > 0 } db)
        {
            var signals = db.PendingClusterSignals.ToList();
            db.PendingClusterSignals.Clear();
            var dispatcher = services.GetRequiredService<ClusterSignalDispatcher>();
            foreach (var signal in signals)
            {
                // Committed is committed: the caller's cancellation must not skip the handlers.
                await dispatcher.DispatchAsync(signal, CancellationToken.None);
            }
        }
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) =>
        TransactionCommittedAsync(transaction, eventData).GetAwaiter().GetResult();

    // A transaction that was disposed without a commit leaves nothing to announce.
    public override ValueTask<DbTransaction> TransactionStartedAsync(System.Data.Common.DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        (eventData.Context as PortalDbContext)?.PendingClusterSignals.Clear();
        return ValueTask.FromResult(result);
    }

    public override DbTransaction TransactionStarted(System.Data.Common.DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        (eventData.Context as PortalDbContext)?.PendingClusterSignals.Clear();
        return result;
    }

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionRolledBack(transaction, eventData);
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (eventData.Context is PortalDbContext db)
        {
            db.PendingClusterSignals.Clear();
        }
    }
}
