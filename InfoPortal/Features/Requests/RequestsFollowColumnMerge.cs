using InfoPortal.Data;
using InfoPortal.Features.Columns;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Features.Requests;

/// <summary>
/// A merged column's items follow it (栏目合并, ADR 0018): publications and requests' columns move to the
/// target in the merge's transaction. The rows move in bulk (a column may hold 100,000 items), so every
/// request they belong to gets a new <c>Version</c> in the same transaction: an edit or decision made on
/// the version read before the merge fails as a conflict instead of writing over the move (issue 16).
/// </summary>
internal sealed class RequestsFollowColumnMerge : IInTransactionHandler<ColumnMerged>
{
    public async Task HandleAsync(PortalDbContext db, ColumnMerged merge, CancellationToken cancellationToken)
    {
        var (source, target) = (merge.Source, merge.Target);
        await db.Requests
            .Where(r => db.Publications.Any(p => p.RequestId == r.Id && p.ColumnId == source) || db.RequestColumns.Any(rc => rc.RequestId == r.Id && rc.ColumnId == source))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Version, r => r.Version + 1), cancellationToken);
        await db.Publications
            .Where(p => p.ColumnId == source && !db.Publications.Any(t => t.ColumnId == target && t.RequestId == p.RequestId))
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.ColumnId, target), cancellationToken);
        var inBoth = db.RequestColumns.Where(rc => rc.ColumnId == target).Select(rc => rc.RequestId);
        await db.RequestColumns.Where(rc => rc.ColumnId == source && inBoth.Contains(rc.RequestId)).ExecuteDeleteAsync(cancellationToken);
        await db.RequestColumns.Where(rc => rc.ColumnId == source).ExecuteUpdateAsync(s => s.SetProperty(rc => rc.ColumnId, target), cancellationToken);
    }
}
