namespace InfoPortal.Features.Search;

/// <summary>
/// One live published item as the site search sees it: kept by publishing (upsert) and takedown
/// (delete), so a taken-down item leaves the results at once. On SQLite an FTS5 trigram index
/// follows this table through triggers; on PostgreSQL a pg_trgm GIN index covers it.
/// </summary>
public sealed class SearchDocument
{
    public int RequestId { get; set; }

    public string Title { get; set; } = "";

    /// <summary>Plain text of the published body (HTML stripped, alt text and captions kept).</summary>
    public string Body { get; set; } = "";

    public bool OnExternalSite { get; set; }

    public bool OnInternalSite { get; set; }

    public DateTimeOffset PublishedAt { get; set; }
}
