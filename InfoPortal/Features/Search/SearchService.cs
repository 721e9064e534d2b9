using System.Net;
using System.Text;
using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Columns;
using InfoPortal.Features.Requests;
using InfoPortal.Infrastructure.Html;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Features.Search;

/// <summary>
/// Site search over published items in Chinese queries of any length. SQLite: an FTS5 trigram
/// index for queries of three characters or more, a per-character FTS5 index for one or two
/// characters (the trigram tokenizer cannot match those; ADR 0019), title hits first and newest
/// first, each read in the index's own order and stopped at the page (ADR 0052). PostgreSQL: ILIKE
/// found through a pg_trgm GIN index (three characters or more) or a characters-and-pairs GIN index
/// (one or two), ranked the same way. Results are paged by rank position.
/// </summary>
public sealed class SearchService(IDbContextFactory<PortalDbContext> dbFactory, DatabaseSettings settings, Microsoft.Extensions.Options.IOptions<SearchOptions> options)
{
    public const int MaxQueryLength = 100;

    /// <summary>Keeps the index in step with what is live, in a transaction of its own.</summary>
    public async Task RefreshAsync(int requestId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var request = await db.Requests.AsNoTracking().Include(r => r.Publications).SingleAsync(r => r.Id == requestId, cancellationToken);
        await StageAsync(db, request, cancellationToken);
        await db.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>
    /// Brings the request's index row in step with its live publications as they stand in memory
    /// (the publish or takedown already applied), to commit with that change (ADR 0021). Only reads; the caller saves.
    /// </summary>
    public async Task StageAsync(PortalDbContext db, PublicationRequest request, CancellationToken cancellationToken = default)
    {
        var requestId = request.Id;
        var live = request.Publications.Where(p => p.TakenDownAt is null).ToList();
        var existing = await db.SearchDocuments.SingleOrDefaultAsync(d => d.RequestId == requestId, cancellationToken);
        if (live.Count == 0)
        {
            if (existing is not null)
            {
                db.SearchDocuments.Remove(existing);
            }

            return;
        }

        var version = live.Max(p => p.ContentVersion);
        var snapshot = (await db.ContentVersions.AsNoTracking().SingleAsync(v => v.RequestId == requestId && v.Number == version, cancellationToken)).Snapshot;
        var body = HtmlCleaner.ToText(snapshot.BodyHtml) + "\n" + string.Join("\n", snapshot.Attachments.Select(a => a.Caption).Where(c => !string.IsNullOrEmpty(c)));
        var document = existing ?? new SearchDocument { RequestId = requestId };
        document.Title = snapshot.Title;
        document.Body = body;
        document.OnExternalSite = live.Any(p => p.Site == Site.External);
        document.OnInternalSite = live.Any(p => p.Site == Site.Internal);
        document.PublishedAt = live.Min(p => p.PublishedAt);
        if (existing is null)
        {
            db.SearchDocuments.Add(document);
        }
    }

    public async Task<SearchPage> SearchAsync(Actor reader, string? query, int after = 0, int limit = 20, CancellationToken cancellationToken = default)
    {
        var q = (query ?? "").Trim();
        if (q.Length == 0)
        {
            return new SearchPage([], null);
        }

        if (q.Length > MaxQueryLength)
        {
            q = q[..MaxQueryLength];
        }

        limit = Math.Clamp(limit, 1, 50);
        var intranet = reader.IsAuthenticated;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        List<int> ids;
        if (settings.Provider == DatabaseProvider.Sqlite && SqliteTextMatch.Trigram(q) is { } phrase)
        {
            // The trigram tokenizer matches substrings; the phrase is quoted so operators in the query are text.
            ids = await RankedIdsAsync(SqlitePages(db, "search_fts", phrase, intranet, cancellationToken), after, limit + 1);
        }
        else if (settings.Provider == DatabaseProvider.Sqlite && options.Value.CharacterIndex && SqliteTextMatch.Characters(q) is { } characters)
        {
            // One or two characters: the per-character FTS5 index (search_chars, ADR 0019) holds every
            // character as a token, so the query is the phrase of its characters ("器 械").
            ids = await RankedIdsAsync(SqlitePages(db, "search_chars", characters, intranet, cancellationToken), after, limit + 1);
        }
        else if (settings.Provider == DatabaseProvider.Postgres)
        {
            // ILIKE found through pg_trgm (three characters or more) or the characters-and-pairs index
            // (one or two, which have no trigram), ranked like SQLite's (ADR 0052).
            ids = await RankedIdsAsync(PostgresPages(db, q, intranet, cancellationToken), after, limit + 1);
        }
        else
        {
            // SQLite, a query of punctuation no index holds: substring match, title hits first, newest
            // first; the scan is capped by LIMIT.
            var pattern = LikePattern.Containing(q);
            ids = await db.SearchDocuments.AsNoTracking().Where(d => d.OnExternalSite || (intranet && d.OnInternalSite))
                .Where(d => EF.Functions.Like(d.Title + "\n" + d.Body, pattern, "\\"))
                .OrderByDescending(d => EF.Functions.Like(d.Title, pattern, "\\"))
                .ThenByDescending(d => d.RequestId)
                .Skip(after).Take(limit + 1)
                .Select(d => d.RequestId)
                .ToListAsync(cancellationToken);
        }

        var more = ids.Count > limit;
        ids = [.. ids.Take(limit)];
        var found = await db.SearchDocuments.AsNoTracking().Where(d => ids.Contains(d.RequestId)).ToDictionaryAsync(d => d.RequestId, cancellationToken);
        var items = ids.Where(found.ContainsKey).Select(id => found[id])
            .Select(d => new SearchHit(d.RequestId, d.Title, HighlightTitle(d.Title, q), Snippet(d.Body, q), d.PublishedAt, PublicLinks.Article(d.RequestId)))
            .ToList();
        return new SearchPage(items, more ? after + limit : null);
    }

    /// <summary>One page of the title hits (true) or of the hits only in the body (false), newest first; and the number of title hits.</summary>
    private sealed record RankedPages(Func<bool, int, int, Task<List<int>>> Page, Func<Task<int>> CountTitleHits);

    /// <summary>
    /// Positions <paramref name="after"/>… of the ranking "title hits newest first, then body-only
    /// hits newest first" (ADR 0052). Each list is read in descending id order from its index and
    /// stopped at the page, so a common word costs the page's depth, not every match scored (ranking
    /// all matches by bm25 cost 0.5–1.2 s at 100,000 items on SQLite).
    /// </summary>
    private static async Task<List<int>> RankedIdsAsync(RankedPages pages, int after, int take)
    {
        var ids = await pages.Page(true, after, take);
        if (ids.Count >= take)
        {
            return ids;
        }

        // The title hits end inside this page (then they number after + found), or before it (count them).
        var titleHits = ids.Count > 0 || after == 0 ? after + ids.Count : await pages.CountTitleHits();
        ids.AddRange(await pages.Page(false, Math.Max(0, after - titleHits), take - ids.Count));
        return ids;
    }

    private static RankedPages SqlitePages(PortalDbContext db, string table, string phrase, bool intranet, CancellationToken cancellationToken)
    {
        var inTitle = "title : " + phrase;
        return new RankedPages(
            (title, skip, take) => MatchPageAsync(db, table, title ? inTitle : phrase + " NOT " + inTitle, intranet, skip, take, cancellationToken),
            () => db.Database.SqlQueryRaw<int>(ForTable(CountSql, table),
                new Microsoft.Data.Sqlite.SqliteParameter("@match", inTitle), new Microsoft.Data.Sqlite.SqliteParameter("@intranet", intranet)).SingleAsync(cancellationToken));
    }

    /// <summary>
    /// PostgreSQL: the title hits come from the title's own indexes (characters and pairs for one or
    /// two characters, pg_trgm for more), the body-only hits from the whole text's; each page in
    /// descending id order, through the primary key or the text index, whichever the planner finds
    /// cheaper for the query's frequency (ADR 0052). ILIKE decides every hit; the indexes only find them.
    /// </summary>
    private static RankedPages PostgresPages(PortalDbContext db, string q, bool intranet, CancellationToken cancellationToken)
    {
        var pattern = LikePattern.Containing(q);
        if (q.Length <= 2)
        {
            return new RankedPages(
                (title, skip, take) => (title
                    ? db.Database.SqlQuery<int>($"""
                        SELECT d."RequestId" AS "Value" FROM "SearchDocuments" d
                        WHERE (d."OnExternalSite" OR ({intranet} AND d."OnInternalSite"))
                          AND portal_text_grams(lower(d."Title")) @> ARRAY[lower({q})] AND d."Title" ILIKE {pattern} ESCAPE '\'
                        ORDER BY d."RequestId" DESC LIMIT {take} OFFSET {skip}
                        """)
                    : db.Database.SqlQuery<int>($"""
                        SELECT d."RequestId" AS "Value" FROM "SearchDocuments" d
                        WHERE (d."OnExternalSite" OR ({intranet} AND d."OnInternalSite"))
                          AND portal_text_grams(lower(d."Title" || E'\n' || d."Body")) @> ARRAY[lower({q})]
                          AND (d."Title" || E'\n' || d."Body") ILIKE {pattern} ESCAPE '\' AND NOT d."Title" ILIKE {pattern} ESCAPE '\'
                        ORDER BY d."RequestId" DESC LIMIT {take} OFFSET {skip}
                        """)).ToListAsync(cancellationToken),
                () => db.Database.SqlQuery<int>($"""
                    SELECT count(*)::int AS "Value" FROM "SearchDocuments" d
                    WHERE (d."OnExternalSite" OR ({intranet} AND d."OnInternalSite"))
                      AND portal_text_grams(lower(d."Title")) @> ARRAY[lower({q})] AND d."Title" ILIKE {pattern} ESCAPE '\'
                    """).SingleAsync(cancellationToken));
        }

        return new RankedPages(
            (title, skip, take) => (title
                ? db.Database.SqlQuery<int>($"""
                    SELECT d."RequestId" AS "Value" FROM "SearchDocuments" d
                    WHERE (d."OnExternalSite" OR ({intranet} AND d."OnInternalSite")) AND d."Title" ILIKE {pattern} ESCAPE '\'
                    ORDER BY d."RequestId" DESC LIMIT {take} OFFSET {skip}
                    """)
                : db.Database.SqlQuery<int>($"""
                    SELECT d."RequestId" AS "Value" FROM "SearchDocuments" d
                    WHERE (d."OnExternalSite" OR ({intranet} AND d."OnInternalSite"))
                      AND (d."Title" || E'\n' || d."Body") ILIKE {pattern} ESCAPE '\' AND NOT d."Title" ILIKE {pattern} ESCAPE '\'
                    ORDER BY d."RequestId" DESC LIMIT {take} OFFSET {skip}
                    """)).ToListAsync(cancellationToken),
            () => db.Database.SqlQuery<int>($"""
                SELECT count(*)::int AS "Value" FROM "SearchDocuments" d
                WHERE (d."OnExternalSite" OR ({intranet} AND d."OnInternalSite")) AND d."Title" ILIKE {pattern} ESCAPE '\'
                """).SingleAsync(cancellationToken));
    }

    private const string PageSql = """
        SELECT f.rowid AS "Value" FROM fts f JOIN SearchDocuments d ON d.RequestId = f.rowid
        WHERE fts MATCH @match AND (d.OnExternalSite = 1 OR (@intranet AND d.OnInternalSite = 1))
        ORDER BY f.rowid DESC LIMIT @take OFFSET @skip
        """;

    private const string CountSql = """
        SELECT count(*) AS "Value" FROM fts f JOIN SearchDocuments d ON d.RequestId = f.rowid
        WHERE fts MATCH @match AND (d.OnExternalSite = 1 OR (@intranet AND d.OnInternalSite = 1))
        """;

    /// <summary>The SQL for one of the two site-search indexes (never a name from outside).</summary>
    private static string ForTable(string sql, string table) => table is "search_fts" or "search_chars"
        ? sql.Replace("fts f", table + " f", StringComparison.Ordinal).Replace("WHERE fts MATCH", "WHERE " + table + " MATCH", StringComparison.Ordinal)
        : throw new ArgumentOutOfRangeException(nameof(table));

    private static Task<List<int>> MatchPageAsync(PortalDbContext db, string table, string match, bool intranet, int skip, int take, CancellationToken cancellationToken) =>
        db.Database.SqlQueryRaw<int>(ForTable(PageSql, table),
            new Microsoft.Data.Sqlite.SqliteParameter("@match", match), new Microsoft.Data.Sqlite.SqliteParameter("@intranet", intranet),
            new Microsoft.Data.Sqlite.SqliteParameter("@take", take), new Microsoft.Data.Sqlite.SqliteParameter("@skip", skip))
            .ToListAsync(cancellationToken);

    /// <summary>HTML-encoded text with the query marked; everything else is encoded, never trusted.</summary>
    internal static string Highlight(string text, string query)
    {
        var builder = new StringBuilder();
        var position = 0;
        while (query.Length > 0 && position < text.Length)
        {
            var index = text.IndexOf(query, position, StringComparison.OrdinalIgnoreCase);
            if (index < 0) break;
            builder.Append(WebUtility.HtmlEncode(text[position..index])).Append("<mark>").Append(WebUtility.HtmlEncode(text.Substring(index, query.Length))).Append("</mark>");
            position = index + query.Length;
        }

        return builder.Append(WebUtility.HtmlEncode(text[position..])).ToString();
    }

    private static string HighlightTitle(string title, string query) => Highlight(title, query);

    /// <summary>About 120 characters around the first match in the body, marked.</summary>
    internal static string Snippet(string body, string query)
    {
        var flat = body.Replace('\n', ' ');
        var index = flat.IndexOf(query, StringComparison.OrdinalIgnoreCase);
        var start = Math.Max(0, (index < 0 ? 0 : index) - 40);
        var length = Math.Min(flat.Length - start, 120);
        var piece = flat.Substring(start, length);
        return (start > 0 ? "…" : "") + Highlight(piece, query) + (start + length < flat.Length ? "…" : "");
    }
}

/// <summary>Search settings (section <c>Search</c>).</summary>
public sealed class SearchOptions
{
    /// <summary>SQLite: answer one- and two-character queries from the per-character index (ADR 0019); false falls back to the LIKE scan (for comparison with <c>bench search</c>).</summary>
    public bool CharacterIndex { get; set; } = true;
}

public sealed record SearchHit(int Id, string Title, string TitleHtml, string SnippetHtml, DateTimeOffset PublishedAt, string PublicUrl);

public sealed record SearchPage(IReadOnlyList<SearchHit> Items, int? NextAfter);

public static class SearchModule
{
    public static IServiceCollection AddSearch(this IServiceCollection services)
    {
        services.AddOptions<SearchOptions>().BindConfiguration("Search");
        return services.AddScoped<SearchService>();
    }

    public static IEndpointRouteBuilder MapSearch(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/search", async (HttpContext http, SearchService search, string? q, int? after, int? limit, CancellationToken ct) =>
        {
            // Anyone may search; a bearer token (or the browser's sign-in) adds the intranet.
            var reader = InfoPortal.Infrastructure.Security.HttpContextActorExtensions.GetActor(http);
            var page = await search.SearchAsync(reader, q, after ?? 0, limit ?? 20, ct);
            return TypedResults.Ok(new
            {
                items = page.Items.Select(i => new { id = i.Id, title = i.Title, snippet = i.SnippetHtml, publishedAt = i.PublishedAt, publicUrl = i.PublicUrl }),
                next = page.NextAfter,
            });
        }).AllowAnonymous().WithTags("v1").WithName("Search");
        return app;
    }
}
