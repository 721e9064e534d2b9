using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Columns;
using InfoPortal.Features.Requests;
using InfoPortal.Infrastructure.Cluster;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Features.PublicSite;

/// <summary>
/// Reads for the public website (外网) and the intranet site (内网): what is live, where, and the
/// exact content version that was published. Taken-down items answer Gone at once.
/// </summary>
public sealed class PublicSiteService(IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>The column of the public exchange (rules.md §3 互动交流); its page leads to the message form.</summary>
    public const string InteractionColumnName = "互动交流";

    public async Task<IReadOnlyList<ColumnBlock>> HomeAsync(Site site, int perColumn = 6, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var columns = await db.Columns.AsNoTracking().Where(c => c.Site == site && !c.IsRetired && c.ParentId == null)
            .OrderBy(c => c.SortOrder).ThenBy(c => c.Id).ToListAsync(cancellationToken);
        var blocks = new List<ColumnBlock>();
        foreach (var column in columns)
        {
            blocks.Add(new ColumnBlock(column, await LiveInColumn(db, column.Id, null, perColumn).ToListAsync(cancellationToken)));
        }

        return blocks;
    }

    /// <summary>A page of a column, newest first; <paramref name="before"/> is the last item's cursor.</summary>
    public async Task<ColumnPage?> ColumnAsync(int columnId, string? before, int pageSize = 20, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var column = await db.Columns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == columnId && !c.IsRetired, cancellationToken);
        if (column is null)
        {
            return null;
        }

        var items = await LiveInColumn(db, columnId, Cursor.Parse(before), pageSize + 1).ToListAsync(cancellationToken);
        var next = items.Count > pageSize ? Cursor.Of(items[pageSize - 1]) : null;
        return new ColumnPage(column, [.. items.Take(pageSize)], next);
    }

    private static IQueryable<ArticleLink> LiveInColumn(PortalDbContext db, int columnId, Cursor? before, int take)
    {
        var query = db.Publications.AsNoTracking().Where(p => p.ColumnId == columnId && p.TakenDownAt == null);
        if (before is { } c)
        {
            query = query.Where(p => p.PublishedAt < c.PublishedAt || (p.PublishedAt == c.PublishedAt && p.RequestId < c.RequestId));
        }

        return query.OrderByDescending(p => p.PublishedAt).ThenByDescending(p => p.RequestId).Take(take)
            .Join(db.Requests, p => p.RequestId, r => r.Id, (p, r) => new ArticleLink(r.Id, r.Title, p.PublishedAt));
    }

    /// <summary>
    /// The request's current content as it will look once published (issue 11 item 6), for those
    /// who may see the request (null otherwise). Never cached: it changes with every edit.
    /// </summary>
    public async Task<Article?> PreviewAsync(int id, Actor reader, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var request = await db.Requests.AsNoTracking().VisibleTo(reader).SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (request is null)
        {
            return null;
        }

        var snapshot = (await db.ContentVersions.AsNoTracking().Where(v => v.RequestId == id).OrderByDescending(v => v.Number).FirstOrDefaultAsync(cancellationToken))?.Snapshot;
        if (snapshot is null)
        {
            return null;
        }

        var department = await db.Departments.AsNoTracking().Where(d => d.Id == request.DepartmentId).Select(d => d.Name).SingleAsync(cancellationToken);
        var columnIds = snapshot.ColumnIds.ToList();
        var columns = await db.Columns.AsNoTracking().Where(c => columnIds.Contains(c.Id)).ToListAsync(cancellationToken);
        return new Article(id, snapshot.Title, snapshot.BodyHtml, snapshot.Source, department, now, snapshot.EventDate, columns,
            [.. snapshot.Attachments.Where(a => a.ContentType != "")]);
    }

    public async Task<ArticleResult> ArticleAsync(int id, Actor reader, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var publications = await db.Publications.AsNoTracking().Where(p => p.RequestId == id).ToListAsync(cancellationToken);
        if (publications.Count == 0)
        {
            return new ArticleResult(ArticleState.NotFound, null);
        }

        var live = publications.Where(p => p.TakenDownAt is null).ToList();
        if (live.Count == 0)
        {
            return new ArticleResult(ArticleState.Gone, null);
        }

        if (live.All(p => p.Site == Site.Internal) && !reader.IsAuthenticated)
        {
            return new ArticleResult(ArticleState.SignInRequired, null);
        }

        var request = await db.Requests.AsNoTracking().SingleAsync(r => r.Id == id, cancellationToken);
        var version = live.Max(p => p.ContentVersion);
        var snapshot = (await db.ContentVersions.AsNoTracking().SingleAsync(v => v.RequestId == id && v.Number == version, cancellationToken)).Snapshot;
        var department = await db.Departments.AsNoTracking().Where(d => d.Id == request.DepartmentId).Select(d => d.Name).SingleAsync(cancellationToken);
        var columnIds = live.Select(p => p.ColumnId).ToList();
        var columns = await db.Columns.AsNoTracking().Where(c => columnIds.Contains(c.Id)).ToListAsync(cancellationToken);
        return new ArticleResult(ArticleState.Live, new Article(
            // The body was sanitised when it was stored (RequestService); it is not cleaned again per view.
            id, snapshot.Title, snapshot.BodyHtml, snapshot.Source, department, live.Min(p => p.PublishedAt), snapshot.EventDate,
            columns, snapshot.Attachments));
    }
}

public sealed record ColumnBlock(Column Column, IReadOnlyList<ArticleLink> Items);

public sealed record ColumnPage(Column Column, IReadOnlyList<ArticleLink> Items, string? NextCursor);

public sealed record ArticleLink(int Id, string Title, DateTimeOffset PublishedAt);

public enum ArticleState
{
    Live,
    NotFound,
    Gone,
    SignInRequired,
}

public sealed record ArticleResult(ArticleState State, Article? Article);

public sealed record Article(int Id, string Title, string BodyHtml, string Source, string Department, DateTimeOffset PublishedAt, DateOnly EventDate, IReadOnlyList<Column> Columns, IReadOnlyList<SnapshotAttachment> Attachments);

/// <summary>A keyset cursor over (published at, id), as text for a query string.</summary>
internal readonly record struct Cursor(DateTimeOffset PublishedAt, int RequestId)
{
    public static Cursor? Parse(string? text)
    {
        var parts = text?.Split('_');
        return parts is [var ticks, var id] && long.TryParse(ticks, out var t) && int.TryParse(id, out var i)
            ? new Cursor(new DateTimeOffset(t, TimeSpan.Zero), i)
            : null;
    }

    public static string Of(ArticleLink link) => $"{link.PublishedAt.UtcTicks}_{link.Id}";
}

public static class PublicSiteModule
{
    public static IServiceCollection AddPublicSite(this IServiceCollection services)
    {
        services.AddScoped<PublicSiteService>();
        services.AddOutputCache(o => o.AddPolicy(PublicSiteCache.PolicyName, new PublicSitePolicy()));
        services.AddSingleton<PublicSiteCache>();
        services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor, PublicSiteCacheInterceptor>();
        services.AddClusterTopicHandler<PublicSiteSignalHandler>();
        return services;
    }

    public static IEndpointRouteBuilder MapPublicSite(this IEndpointRouteBuilder app) => app.MapDisplaySettings();
}
