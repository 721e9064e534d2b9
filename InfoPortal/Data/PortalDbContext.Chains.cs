using InfoPortal.Features.Archive;
using InfoPortal.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Data;

/// <summary>
/// Finishes the staged hash chains (ADR 0021 §1): when the change tracker holds new audit or
/// archive records without a sequence, the save runs in one transaction that takes the chain lock
/// first (PostgreSQL: a transaction-scoped advisory lock; SQLite: the transaction is
/// <c>BEGIN IMMEDIATE</c>, so it already holds the writer lock), reads each chain's head, numbers
/// and hashes the new records in the order they were staged, and commits them with the business
/// change — or nothing. Every save ignores the caller's cancellation token (ADR 0021 §2): a write
/// that has started runs to its end, so a client that goes away never leaves half a command.
/// </summary>
public partial class PortalDbContext
{
    /// <summary>
    /// One advisory lock for both chains: a command that appends to both (publish, takedown) can
    /// never deadlock with another that takes them in the other order. Value: "InfoPort" in ASCII.
    /// </summary>
    internal const long ChainLockKey = 0x496E666F506F7274;

    public DbSet<Features.Outbox.OutboxMessage> OutboxMessages => Set<Features.Outbox.OutboxMessage>();

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default) =>
        HasStagedChainRecords() ? SaveWithChainsAsync(acceptAllChangesOnSuccess) : base.SaveChangesAsync(acceptAllChangesOnSuccess, CancellationToken.None);

    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        HasStagedChainRecords() ? SaveWithChainsAsync(acceptAllChangesOnSuccess).GetAwaiter().GetResult() : base.SaveChanges(acceptAllChangesOnSuccess);

    private bool HasStagedChainRecords() =>
        ChangeTracker.Entries<AuditRecord>().Any(e => e.State == EntityState.Added && e.Entity.Sequence == 0) ||
        ChangeTracker.Entries<ArchiveRecord>().Any(e => e.State == EntityState.Added && e.Entity.Sequence == 0);

    private async Task<int> SaveWithChainsAsync(bool acceptAllChangesOnSuccess)
    {
        var none = CancellationToken.None;
        var own = Database.CurrentTransaction is null ? await Database.BeginTransactionAsync(none) : null;
        try
        {
            if (Database.IsNpgsql())
            {
                // Released by the commit or the rollback: it cannot be left behind, and it serialises every instance.
                await Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock({0})", [ChainLockKey], none);
            }

            await NumberArchiveRecordsAsync(none);
            await NumberAuditRecordsAsync(none);
            var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, none);
            if (own is not null)
            {
                await own.CommitAsync(none);
            }

            return saved;
        }
        finally
        {
            if (own is not null)
            {
                await own.DisposeAsync();
            }
        }
    }

    private async Task NumberAuditRecordsAsync(CancellationToken none)
    {
        var staged = ChangeTracker.Entries<AuditRecord>().Where(e => e.State == EntityState.Added && e.Entity.Sequence == 0).Select(e => e.Entity).ToList();
        if (staged.Count == 0)
        {
            return;
        }

        var head = await AuditHeads.SingleOrDefaultAsync(h => h.Id == 1, none);
        if (head is null)
        {
            head = new AuditHead();
            AuditHeads.Add(head);
        }
        else
        {
            // The row may be tracked from an earlier save of this context; the lock is ours now, so read it afresh.
            await Entry(head).ReloadAsync(none);
        }

        foreach (var record in staged)
        {
            record.Sequence = head.LastSequence + 1;
            record.PreviousHash = head.LastHash;
            record.Hash = record.ComputeHash();
            head.LastSequence = record.Sequence;
            head.LastHash = record.Hash;
        }
    }

    private async Task NumberArchiveRecordsAsync(CancellationToken none)
    {
        var staged = ChangeTracker.Entries<ArchiveRecord>().Where(e => e.State == EntityState.Added && e.Entity.Sequence == 0).Select(e => e.Entity).ToList();
        if (staged.Count == 0)
        {
            return;
        }

        var last = await ArchiveRecords.AsNoTracking().OrderByDescending(r => r.Sequence).Select(r => new { r.Sequence, r.Hash }).FirstOrDefaultAsync(none);
        var sequence = last?.Sequence ?? 0;
        var previous = last?.Hash ?? "";
        foreach (var record in staged)
        {
            record.Sequence = ++sequence;
            record.PreviousHash = previous;
            record.Hash = record.ComputeHash();
            previous = record.Hash;
        }
    }
}
