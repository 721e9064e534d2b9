using InfoPortal.Data;
using InfoPortal.Features.Columns.Governance;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Features.Requests;

/// <summary>The stale-column report's question, answered from the publications (ADR 0059).</summary>
internal sealed class ColumnActivity : IColumnActivity
{
    public async Task<IReadOnlyDictionary<int, DateTimeOffset>> LastPublishedAsync(PortalDbContext db, DateTimeOffset asOf, CancellationToken cancellationToken)
    {
        // One grouped query over the publication index (ColumnId, TakenDownAt, PublishedAt).
        var rows = await db.Publications.AsNoTracking()
            .Where(p => p.PublishedAt <= asOf)
            .GroupBy(p => p.ColumnId)
            .Select(g => new { ColumnId = g.Key, Last = g.Max(p => p.PublishedAt) })
            .ToListAsync(cancellationToken);
        return rows.ToDictionary(r => r.ColumnId, r => r.Last);
    }
}
