using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Audit;
using InfoPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Features.Requests;

/// <summary>
/// Keeps the shipped chain definitions in the database (a changed definition becomes a new
/// version; old versions stay for the requests submitted under them) and which one is active.
/// </summary>
public sealed class ReviewChainService(IDbContextFactory<PortalDbContext> dbFactory, AuditLog audit, TimeProvider clock)
{
    public async Task EnsureShippedAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var existing = await db.ReviewChains.ToListAsync(cancellationToken);
        foreach (var (code, steps) in ReviewChain.Shipped)
        {
            var json = ReviewChain.Serialize(steps);
            var latest = existing.Where(c => c.Code == code).MaxBy(c => c.Version);
            if (latest?.StepsJson == json || latest?.ChangeId is not null)
            {
                // Unchanged, or the agency's own approved version (ADR 0047): a new release never overrides it.
                continue;
            }

            var wasActive = latest?.IsActive ?? (code == ReviewChain.County && !existing.Any(c => c.IsActive));
            if (latest is not null)
            {
                latest.IsActive = false;
            }

            db.ReviewChains.Add(new ReviewChain { Code = code, Version = (latest?.Version ?? 0) + 1, StepsJson = json, IsActive = wasActive, CreatedAt = clock.GetUtcNow() });
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<ReviewChain> GetActiveAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ReviewChains.AsNoTracking().SingleOrDefaultAsync(c => c.IsActive, cancellationToken)
            ?? throw new ConflictException("Chains.NoneActive");
    }

    public async Task<ReviewChain> GetAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ReviewChains.AsNoTracking().SingleAsync(c => c.Id == id, cancellationToken);
    }

    /// <summary>The newest version of each definition.</summary>
    public async Task<IReadOnlyList<ReviewChain>> ListLatestAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var all = await db.ReviewChains.AsNoTracking().ToListAsync(cancellationToken);
        return [.. all.GroupBy(c => c.Code).Select(g => g.MaxBy(c => c.Version)!).OrderBy(c => c.Code)];
    }

    /// <summary>SystemAdmin picks the chain new submissions use; requests in flight keep theirs.</summary>
    public async Task SetActiveAsync(Actor actor, string code, CancellationToken cancellationToken = default)
    {
        if (!actor.Has(Permissions.Chains.Activate))
        {
            throw new ForbiddenException("Chains.AdminOnly");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var all = await db.ReviewChains.ToListAsync(cancellationToken);
        var target = all.Where(c => c.Code == code).MaxBy(c => c.Version) ?? throw new NotFoundException("Chains.NotFound");
        var previous = all.SingleOrDefault(c => c.IsActive);
        foreach (var chain in all)
        {
            chain.IsActive = chain.Id == target.Id;
        }

        audit.Stage(db, actor, AuditActions.SettingsChanged, "review-chain", AuditOutcome.Success,
            $"active chain {previous?.Code}#{previous?.Version} → {target.Code}#{target.Version}");
        await db.SaveChangesAsync(CancellationToken.None);
    }
}
