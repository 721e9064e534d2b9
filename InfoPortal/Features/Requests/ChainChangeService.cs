using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Audit;
using InfoPortal.Features.Notifications;
using InfoPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Features.Requests;

/// <summary>
/// Chains as data an agency changes (issue 14 item 2, ADR 0047): the office director proposes a new
/// list of steps for a chain, a leader approves or rejects it, and approval makes the new version in
/// the same transaction as the decision and its audit record. Requests keep their version.
/// </summary>
public sealed class ChainChangeService(IDbContextFactory<PortalDbContext> dbFactory, AuditLog audit, NotificationService notifications, TimeProvider clock)
{
    public const string ProposedKind = "ChainChangeProposed";
    public const string ApprovedKind = "ChainChangeApproved";
    public const string RejectedKind = "ChainChangeRejected";

    public async Task<ChainChange> ProposeAsync(Actor actor, string code, IReadOnlyList<ChainStep>? steps, string? reason, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!ChainChange.CanPropose(actor))
        {
            audit.Stage(db, actor, "ChainChangeRefused", $"review-chain:{code}", AuditOutcome.Refused, "propose: not the office director");
            await db.SaveChangesAsync(CancellationToken.None);
            throw new ForbiddenException("Chains.ProposeForbidden");
        }

        var current = await LatestAsync(db, code, cancellationToken);
        var change = ChainChange.Propose(actor, current, steps ?? [], reason, clock.GetUtcNow());
        // One transaction: the proposal (saved first for its id), its audit record and the leaders' notices.
        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        db.ChainChanges.Add(change);
        await db.SaveChangesAsync(CancellationToken.None);
        audit.Stage(db, actor, "ChainChangeProposed", $"chain-change:{change.Id}", AuditOutcome.Success,
            $"{code}#{current.Version} → {change.StepsJson}; {change.Reason}");
        var leaders = (await notifications.UsersInRoleAsync(Roles.Leader, null, cancellationToken))
            .Concat(await notifications.UsersInRoleAsync(Roles.PrincipalLeader, null, cancellationToken))
            .Where(u => u != actor.UserId);
        await notifications.StageUsersAsync(db, leaders, ProposedKind, [change.Reason], Href, cancellationToken);
        await db.SaveChangesAsync(CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        return change;
    }

    public Task<ChainChange> ApproveAsync(Actor actor, int id, string? opinion, int? version, CancellationToken cancellationToken = default) =>
        DecideAsync(actor, id, version, true, opinion, cancellationToken);

    public Task<ChainChange> RejectAsync(Actor actor, int id, string? opinion, int? version, CancellationToken cancellationToken = default) =>
        DecideAsync(actor, id, version, false, opinion, cancellationToken);

    private async Task<ChainChange> DecideAsync(Actor actor, int id, int? version, bool approve, string? opinion, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var change = await db.ChainChanges.SingleOrDefaultAsync(c => c.Id == id, cancellationToken) ?? throw new NotFoundException("Chains.ChangeNotFound");
        if (!ChainChange.CanSee(actor))
        {
            throw new NotFoundException("Chains.ChangeNotFound");
        }

        if (version is { } v && v != change.Version)
        {
            throw new ConflictException("Chains.AlreadyDecided");
        }

        var now = clock.GetUtcNow();
        try
        {
            if (approve)
            {
                change.Approve(actor, opinion, now);
            }
            else
            {
                change.Reject(actor, opinion, now);
            }
        }
        catch (PortalException ex) when (ex is ForbiddenException or ConflictException)
        {
            db.ChangeTracker.Clear();
            audit.Stage(db, actor, "ChainChangeRefused", $"chain-change:{id}", AuditOutcome.Refused, ex.Message);
            await db.SaveChangesAsync(CancellationToken.None);
            throw;
        }

        if (approve)
        {
            var latest = await LatestAsync(db, change.Code, cancellationToken);
            if (latest.Version != change.BaseVersion)
            {
                // The chain changed since the proposal: the leader would approve steps against a definition nobody saw.
                throw new ConflictException("Chains.Outdated");
            }

            var next = new ReviewChain
            {
                Code = change.Code,
                Version = latest.Version + 1,
                StepsJson = change.StepsJson,
                IsActive = latest.IsActive,
                CreatedAt = now,
                ChangeId = change.Id,
            };
            latest.IsActive = false;
            db.ReviewChains.Add(next);
            // One save: the new version (which names this change), the decision, its audit record and the notice.
            audit.Stage(db, actor, "ChainChangeApproved", $"chain-change:{id}", AuditOutcome.Success,
                $"{change.Code}#{latest.Version} → #{next.Version}; {change.Opinion}");
            await notifications.StageUsersAsync(db, [change.ProposedById], ApprovedKind, [change.Reason], Href, cancellationToken);
            await db.SaveChangesAsync(CancellationToken.None);
        }
        else
        {
            audit.Stage(db, actor, "ChainChangeRejected", $"chain-change:{id}", AuditOutcome.Success, change.Opinion);
            await notifications.StageUsersAsync(db, [change.ProposedById], RejectedKind, [change.Reason], Href, cancellationToken);
            await db.SaveChangesAsync(CancellationToken.None);
        }

        return change;
    }

    /// <summary>Proposals, newest first (pending ones first), for those who may see them.</summary>
    public async Task<IReadOnlyList<ChainChange>> ListAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        if (!ChainChange.CanSee(actor))
        {
            throw new ForbiddenException("Chains.SeeForbidden");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var all = await db.ChainChanges.AsNoTracking().OrderByDescending(c => c.Id).Take(200).ToListAsync(cancellationToken);
        return [.. all.OrderBy(c => c.Status == ChainChangeStatus.Proposed ? 0 : 1).ThenByDescending(c => c.Id)];
    }

    private static async Task<ReviewChain> LatestAsync(PortalDbContext db, string code, CancellationToken cancellationToken) =>
        await db.ReviewChains.Where(c => c.Code == code).OrderByDescending(c => c.Version).FirstOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException("Chains.NotFound");

    private const string Href = "/office/workflow";
}
