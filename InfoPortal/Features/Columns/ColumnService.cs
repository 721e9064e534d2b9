using InfoPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Features.Columns;

/// <summary>
/// The column tree of each site. Everyone signed in reads it; it changes only through an approved
/// column change request (Governance/ColumnChangeService, §2 第六章第一条).
/// </summary>
public sealed class ColumnService(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock)
{
    public async Task<IReadOnlyList<Column>> ListAsync(Site? site = null, bool includeRetired = false, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Columns.AsNoTracking()
            .Where(c => (site == null || c.Site == site) && (includeRetired || !c.IsRetired))
            .OrderBy(c => c.Site).ThenBy(c => c.SortOrder).ThenBy(c => c.Id)
            .ToListAsync(cancellationToken);
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
        // Each column has a department that keeps it filled (told when it goes stale, §1 第三条).
        var departments = await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Name, d => d.Id, cancellationToken);
        void Add(Site site, string name, string department) =>
            db.Columns.Add(new Column
            {
                Site = site,
                Name = name,
                SortOrder = order += 10,
                CreatedAt = now,
                ResponsibleDepartmentId = departments.TryGetValue(department, out var id) ? id : null,
            });

        foreach (var (name, department) in new[] { ("工作动态", "综合股"), ("通知公告", "办公室"), ("政策法规", "综合股"), ("药品安全", "药品监管股"), ("医疗器械", "医疗器械股"), ("互动交流", "办公室") })
        {
            Add(Site.External, name, department);
        }

        foreach (var (name, department) in new[] { ("内部通知", "办公室"), ("工作简报", "综合股"), ("规章制度", "办公室"), ("学习园地", "综合股"), ("通报", "办公室") })
        {
            Add(Site.Internal, name, department);
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}

