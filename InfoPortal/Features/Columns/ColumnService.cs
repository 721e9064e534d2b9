using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Features.Audit;
using InfoPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Features.Columns;

/// <summary>The column tree of each site. Everyone signed in reads it; the Publisher keeps it.</summary>
public sealed class ColumnService(IDbContextFactory<PortalDbContext> dbFactory, AuditLog audit, TimeProvider clock)
{
    public async Task<IReadOnlyList<Column>> ListAsync(Site? site = null, bool includeRetired = false, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Columns.AsNoTracking()
            .Where(c => (site == null || c.Site == site) && (includeRetired || !c.IsRetired))
            .OrderBy(c => c.Site).ThenBy(c => c.SortOrder).ThenBy(c => c.Id)
            .ToListAsync(cancellationToken);
    }

    public async Task<Column> CreateAsync(Actor actor, ColumnInput input, CancellationToken cancellationToken = default)
    {
        EnsurePublisher(actor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await ValidateAsync(db, input, null, cancellationToken);
        var column = new Column
        {
            Site = input.Site,
            ParentId = input.ParentId,
            Name = input.Name.Trim(),
            SortOrder = input.SortOrder,
            StaleAfterDays = input.StaleAfterDays,
            CreatedAt = clock.GetUtcNow(),
        };
        db.Columns.Add(column);
        await db.SaveChangesAsync(cancellationToken);
        await audit.AppendAsync(actor, "ColumnCreated", $"column:{column.Id}", AuditOutcome.Success, $"{column.Site} {column.Name}", cancellationToken);
        return column;
    }

    public async Task UpdateAsync(Actor actor, int id, ColumnInput input, CancellationToken cancellationToken = default)
    {
        EnsurePublisher(actor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var column = await db.Columns.SingleOrDefaultAsync(c => c.Id == id, cancellationToken) ?? throw new NotFoundException("Columns.NotFound");
        await ValidateAsync(db, input with { Site = column.Site }, id, cancellationToken);
        var detail = $"{column.Name} → {input.Name.Trim()}; order {column.SortOrder} → {input.SortOrder}; parent {column.ParentId} → {input.ParentId}";
        column.Name = input.Name.Trim();
        column.SortOrder = input.SortOrder;
        column.ParentId = input.ParentId;
        column.StaleAfterDays = input.StaleAfterDays;
        await db.SaveChangesAsync(cancellationToken);
        await audit.AppendAsync(actor, "ColumnUpdated", $"column:{id}", AuditOutcome.Success, detail, cancellationToken);
    }

    public async Task SetRetiredAsync(Actor actor, int id, bool retired, CancellationToken cancellationToken = default)
    {
        EnsurePublisher(actor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var column = await db.Columns.SingleOrDefaultAsync(c => c.Id == id, cancellationToken) ?? throw new NotFoundException("Columns.NotFound");
        if (retired && await db.Columns.AnyAsync(c => c.ParentId == id && !c.IsRetired, cancellationToken))
        {
            throw ValidationFailedException.For("retired", "Columns.HasActiveChildren");
        }

        column.IsRetired = retired;
        await db.SaveChangesAsync(cancellationToken);
        await audit.AppendAsync(actor, retired ? "ColumnRetired" : "ColumnRestored", $"column:{id}", AuditOutcome.Success, column.Name, cancellationToken);
    }

    private static async Task ValidateAsync(PortalDbContext db, ColumnInput input, int? id, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(input.Name) || input.Name.Trim().Length > 100)
        {
            errors["name"] = ["Columns.NameRequired"];
        }

        if (input.ParentId is { } parentId)
        {
            var parent = await db.Columns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == parentId, cancellationToken);
            if (parent is null || parent.Site != input.Site || parent.Id == id || parent.IsRetired)
            {
                errors["parentId"] = ["Columns.ParentInvalid"];
            }
        }

        if (input.StaleAfterDays is < 1 or > 3650)
        {
            errors["staleAfterDays"] = ["Columns.StaleDaysInvalid"];
        }

        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors, "Common.InvalidInput");
        }
    }

    private static void EnsurePublisher(Actor actor)
    {
        if (!actor.IsInRole(Roles.Publisher))
        {
            throw new ForbiddenException("Columns.PublisherOnly");
        }
    }

    /// <summary>The demo columns of both sites, once, on an empty table.</summary>
    public async Task SeedDemoAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Columns.AnyAsync(cancellationToken))
        {
            return;
        }

        var now = clock.GetUtcNow();
        var order = 0;
        void Add(Site site, string name) =>
            db.Columns.Add(new Column { Site = site, Name = name, SortOrder = order += 10, CreatedAt = now });

        foreach (var name in new[] { "工作动态", "通知公告", "政策法规", "药品安全", "医疗器械", "互动交流" })
        {
            Add(Site.External, name);
        }

        foreach (var name in new[] { "内部通知", "工作简报", "规章制度", "学习园地", "通报" })
        {
            Add(Site.Internal, name);
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}

public sealed record ColumnInput(Site Site, int? ParentId, string Name, int SortOrder, int StaleAfterDays = 30);
