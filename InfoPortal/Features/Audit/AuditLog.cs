using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Features.Audit;

/// <summary>
/// Appends to, searches and verifies the hash-chained audit log. A record is <em>staged</em> in
/// the context of the change it describes and numbered and hashed by
/// <see cref="PortalDbContext"/>'s save under the chain lock, inside that one transaction
/// (ADR 0021): the change and its record commit together or not at all, on every instance.
/// </summary>
public sealed class AuditLog(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>Stages a record in <paramref name="db"/>; it is numbered, hashed and written by the caller's save.</summary>
    public AuditRecord Stage(PortalDbContext db, Actor actor, string action, string? target, AuditOutcome outcome, string? detail = null) =>
        Stage(db, new AuditEntry(actor.UserId, actor.UserName, actor.IpAddress, action, target, outcome, detail));

    /// <summary>Stages a record in <paramref name="db"/>; it is numbered, hashed and written by the caller's save.</summary>
    public AuditRecord Stage(PortalDbContext db, AuditEntry entry)
    {
        var now = clock.GetUtcNow();
        var record = new AuditRecord
        {
            At = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero),
            ActorId = entry.ActorId,
            ActorName = Truncate(entry.ActorName, 256) ?? "",
            IpAddress = Truncate(entry.IpAddress, 64),
            Action = entry.Action,
            Target = Truncate(entry.Target, 512),
            Outcome = entry.Outcome,
            Detail = Truncate(entry.Detail, 4000),
        };
        db.AuditRecords.Add(record);
        return record;
    }

    /// <summary>
    /// A record on its own, one transaction: only for events with no business change to commit
    /// with (a refused sign-in, an export, a refusal). The caller's token may stop it only before
    /// anything is written.
    /// </summary>
    public async Task AppendAsync(Actor actor, string action, string? target, AuditOutcome outcome, string? detail = null, CancellationToken cancellationToken = default)
    {
        await AppendAsync(new AuditEntry(actor.UserId, actor.UserName, actor.IpAddress, action, target, outcome, detail), cancellationToken);
    }

    /// <inheritdoc cref="AppendAsync(Actor, string, string?, AuditOutcome, string?, CancellationToken)"/>
    public async Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        Stage(db, entry);
        await db.SaveChangesAsync(CancellationToken.None);
    }

    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max];

    /// <summary>Searches newest first, keyset-paged by id (<paramref name="before"/> = the last id seen).</summary>
    public async Task<IReadOnlyList<AuditRecord>> SearchAsync(Actor actor, AuditQuery query, CancellationToken cancellationToken = default)
    {
        EnsureAuditor(actor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await Filter(db.AuditRecords.AsNoTracking(), query)
            .Where(a => query.Before == null || a.Id < query.Before)
            .OrderByDescending(a => a.Id)
            .Take(Math.Clamp(query.Limit, 1, 500))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Oldest first after <paramref name="after"/>; the API's paging.</summary>
    public async Task<IReadOnlyList<AuditRecord>> ListAfterAsync(Actor actor, long after, int limit, CancellationToken cancellationToken = default)
    {
        EnsureAuditor(actor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.AuditRecords.AsNoTracking()
            .Where(a => a.Id > after)
            .OrderBy(a => a.Id)
            .Take(Math.Clamp(limit, 1, 1000))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Streams every record that matches, oldest first, for the CSV export.</summary>
    public async IAsyncEnumerable<AuditRecord> ExportAsync(Actor actor, AuditQuery query, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        EnsureAuditor(actor);
        await AppendAsync(actor, AuditActions.AuditExported, null, AuditOutcome.Success, query.Describe(), cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await foreach (var record in Filter(db.AuditRecords.AsNoTracking(), query).OrderBy(a => a.Id).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            yield return record;
        }
    }

    private static IQueryable<AuditRecord> Filter(IQueryable<AuditRecord> records, AuditQuery query)
    {
        if (!string.IsNullOrWhiteSpace(query.Actor))
        {
            records = records.Where(a => a.ActorName.Contains(query.Actor));
        }

        if (!string.IsNullOrWhiteSpace(query.Action))
        {
            records = records.Where(a => a.Action == query.Action);
        }

        if (query.Outcome is { } outcome)
        {
            records = records.Where(a => a.Outcome == outcome);
        }

        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            records = records.Where(a => (a.Target != null && a.Target.Contains(query.Text)) ||
                                         (a.Detail != null && a.Detail.Contains(query.Text)) ||
                                         (a.IpAddress != null && a.IpAddress.Contains(query.Text)));
        }

        if (query.From is { } from)
        {
            records = records.Where(a => a.At >= from);
        }

        if (query.To is { } to)
        {
            records = records.Where(a => a.At < to);
        }

        return records;
    }

    /// <summary>
    /// Walks the whole chain in id order, recomputing each hash. Names the first record whose
    /// content, hash or link to its predecessor is wrong; a deleted record shows as a broken link
    /// at its successor, a deleted tail as a mismatch with the head row.
    /// </summary>
    public async Task<AuditVerification> VerifyAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        EnsureAuditor(actor);
        var result = await VerifyChainAsync(cancellationToken);
        await AppendAsync(actor, AuditActions.AuditVerified, null, result.Ok ? AuditOutcome.Success : AuditOutcome.Failure,
            result.Ok ? $"checked={result.Checked}" : $"checked={result.Checked}; firstBrokenId={result.FirstBrokenId}", cancellationToken);
        return result;
    }

    internal async Task<AuditVerification> VerifyChainAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var expectedPrevious = AuditRecord.GenesisHash;
        long expectedSequence = 1;
        long checkedCount = 0;
        long lastId = 0;
        const int batch = 2000;
        while (true)
        {
            var page = await db.AuditRecords.AsNoTracking().Where(a => a.Id > lastId).OrderBy(a => a.Id).Take(batch).ToListAsync(cancellationToken);
            foreach (var record in page)
            {
                checkedCount++;
                if (record.Sequence != expectedSequence || record.PreviousHash != expectedPrevious || record.ComputeHash() != record.Hash)
                {
                    return new AuditVerification(false, checkedCount, record.Id);
                }

                expectedPrevious = record.Hash;
                expectedSequence++;
                lastId = record.Id;
            }

            if (page.Count < batch)
            {
                break;
            }
        }

        var head = await db.AuditHeads.AsNoTracking().SingleOrDefaultAsync(h => h.Id == 1, cancellationToken);
        var headOk = head is null ? checkedCount == 0 : head.LastSequence == expectedSequence - 1 && head.LastHash == expectedPrevious;
        // A missing tail has no successor to point at: report the id after the last intact record.
        return headOk ? new AuditVerification(true, checkedCount, null) : new AuditVerification(false, checkedCount, lastId + 1);
    }

    private static void EnsureAuditor(Actor actor)
    {
        if (!actor.Has(Permissions.Audit.Read))
        {
            throw new ForbiddenException("Only the audit administrator may read the audit log.");
        }
    }
}

public sealed record AuditEntry(int? ActorId, string ActorName, string? IpAddress, string Action, string? Target, AuditOutcome Outcome, string? Detail);

public sealed record AuditQuery(string? Actor = null, string? Action = null, AuditOutcome? Outcome = null, string? Text = null, DateTimeOffset? From = null, DateTimeOffset? To = null, long? Before = null, int Limit = 50)
{
    public string Describe() => string.Join("; ", new[]
    {
        Actor is null ? null : $"actor={Actor}",
        Action is null ? null : $"action={Action}",
        Outcome is null ? null : $"outcome={Outcome}",
        Text is null ? null : $"text={Text}",
        From is null ? null : $"from={From:O}",
        To is null ? null : $"to={To:O}",
    }.Where(s => s is not null));
}

public sealed record AuditVerification(bool Ok, long Checked, long? FirstBrokenId);
