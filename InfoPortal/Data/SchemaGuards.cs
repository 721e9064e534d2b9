using InfoPortal.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Data;

/// <summary>
/// Raw SQL the migrations and the start-up check share: the append-only triggers that guard the
/// audit log and the archive, and SQLite's per-character search triggers written for SQLite 3.40
/// (Debian 12's sqlite3 must open the file: no <c>group_concat(… ORDER BY …)</c>, which needs 3.44).
/// </summary>
public static class SchemaGuards
{
    public sealed record Trigger(string Name, string Create);

    public static readonly IReadOnlyList<Trigger> SqliteAppendOnly =
    [
        new("AuditRecords_NoUpdate", "CREATE TRIGGER AuditRecords_NoUpdate BEFORE UPDATE ON AuditRecords BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;"),
        new("AuditRecords_NoDelete", "CREATE TRIGGER AuditRecords_NoDelete BEFORE DELETE ON AuditRecords BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;"),
        new("ArchiveRecords_NoUpdate", "CREATE TRIGGER ArchiveRecords_NoUpdate BEFORE UPDATE ON ArchiveRecords BEGIN SELECT RAISE(ABORT, 'archive records are permanent'); END;"),
        new("ArchiveRecords_NoDelete", "CREATE TRIGGER ArchiveRecords_NoDelete BEFORE DELETE ON ArchiveRecords BEGIN SELECT RAISE(ABORT, 'archive records are permanent'); END;"),
    ];

    // The functions are re-created too (CREATE OR REPLACE): whoever dropped a trigger may have dropped its function.
    public static readonly IReadOnlyList<Trigger> PostgresAppendOnly =
    [
        new("AuditRecords_NoChange", """
            CREATE OR REPLACE FUNCTION audit_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'audit records are append-only'; END; $$;
            CREATE TRIGGER "AuditRecords_NoChange" BEFORE UPDATE OR DELETE ON "AuditRecords" FOR EACH ROW EXECUTE FUNCTION audit_records_append_only();
            """),
        new("ArchiveRecords_NoChange", """
            CREATE OR REPLACE FUNCTION archive_records_permanent() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'archive records are permanent'; END; $$;
            CREATE TRIGGER "ArchiveRecords_NoChange" BEFORE UPDATE OR DELETE ON "ArchiveRecords" FOR EACH ROW EXECUTE FUNCTION archive_records_permanent();
            """),
    ];

    /// <summary>Splits a column into one token per character ("器械" → "器 械"), in order, with SQL that SQLite 3.40 parses.</summary>
    private static string Chars(string column) =>
        // A recursive CTE yields its rows in the order it makes them (a FIFO queue), and group_concat
        // keeps input order; the ORDER BY inside group_concat (3.44+) added nothing but a newer parser.
        $"(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < length({column})) SELECT group_concat(substr({column}, i, 1), ' ') FROM s)";

    /// <summary>Replaces the per-character search triggers (ADR 0019) with ones SQLite 3.40 can read.</summary>
    public static readonly IReadOnlyList<string> SqliteCharsTriggers =
    [
        "DROP TRIGGER IF EXISTS SearchDocuments_chars_ai;",
        "DROP TRIGGER IF EXISTS SearchDocuments_chars_au;",
        $"""
        CREATE TRIGGER SearchDocuments_chars_ai AFTER INSERT ON SearchDocuments BEGIN
          INSERT INTO search_chars(rowid, title, body) VALUES (new.RequestId, {Chars("new.Title")}, {Chars("new.Body")});
        END;
        """,
        $"""
        CREATE TRIGGER SearchDocuments_chars_au AFTER UPDATE ON SearchDocuments BEGIN
          DELETE FROM search_chars WHERE rowid = old.RequestId;
          INSERT INTO search_chars(rowid, title, body) VALUES (new.RequestId, {Chars("new.Title")}, {Chars("new.Body")});
        END;
        """,
    ];

    /// <summary>
    /// The requests' own text indexes for the back-office search (ADR 0052): a trigram index over
    /// the title and body as stored (external content: the Requests table itself) and a contentless
    /// per-character index for one- and two-character queries, kept by triggers that fire only when
    /// the title or the body changes. Contentless rows are removed with FTS5's 'delete' command and the
    /// old values, which SQLite 3.40 supports (contentless_delete needs 3.43).
    /// </summary>
    public static readonly IReadOnlyList<string> SqliteRequestText =
    [
        "CREATE VIRTUAL TABLE request_fts USING fts5(Title, BodyHtml, content='Requests', content_rowid='Id', tokenize='trigram');",
        "CREATE VIRTUAL TABLE request_chars USING fts5(title, body, content='', tokenize='unicode61');",
        $"""
        CREATE TRIGGER Requests_text_ai AFTER INSERT ON Requests BEGIN
          INSERT INTO request_fts(rowid, Title, BodyHtml) VALUES (new.Id, new.Title, new.BodyHtml);
          INSERT INTO request_chars(rowid, title, body) VALUES (new.Id, {Chars("new.Title")}, {Chars("new.BodyHtml")});
        END;
        """,
        $"""
        CREATE TRIGGER Requests_text_au AFTER UPDATE OF Title, BodyHtml ON Requests BEGIN
          INSERT INTO request_fts(request_fts, rowid, Title, BodyHtml) VALUES ('delete', old.Id, old.Title, old.BodyHtml);
          INSERT INTO request_fts(rowid, Title, BodyHtml) VALUES (new.Id, new.Title, new.BodyHtml);
          INSERT INTO request_chars(request_chars, rowid, title, body) VALUES ('delete', old.Id, {Chars("old.Title")}, {Chars("old.BodyHtml")});
          INSERT INTO request_chars(rowid, title, body) VALUES (new.Id, {Chars("new.Title")}, {Chars("new.BodyHtml")});
        END;
        """,
        $"""
        CREATE TRIGGER Requests_text_ad AFTER DELETE ON Requests BEGIN
          INSERT INTO request_fts(request_fts, rowid, Title, BodyHtml) VALUES ('delete', old.Id, old.Title, old.BodyHtml);
          INSERT INTO request_chars(request_chars, rowid, title, body) VALUES ('delete', old.Id, {Chars("old.Title")}, {Chars("old.BodyHtml")});
        END;
        """,
        "INSERT INTO request_fts(request_fts) VALUES ('rebuild');",
        $"INSERT INTO request_chars(rowid, title, body) SELECT Id, {Chars("Title")}, {Chars("BodyHtml")} FROM Requests;",
    ];

    public static readonly IReadOnlyList<string> SqliteRequestTextDrop =
    [
        "DROP TRIGGER IF EXISTS Requests_text_ai;",
        "DROP TRIGGER IF EXISTS Requests_text_au;",
        "DROP TRIGGER IF EXISTS Requests_text_ad;",
        "DROP TABLE IF EXISTS request_fts;",
        "DROP TABLE IF EXISTS request_chars;",
    ];

    /// <summary>PostgreSQL: the back-office search's ILIKE expression, served by pg_trgm (ADR 0052).</summary>
    public const string PostgresRequestText = """CREATE INDEX "IX_Requests_Text_Trgm" ON "Requests" USING gin (("Title" || E'\n' || "BodyHtml") gin_trgm_ops);""";

    /// <summary>
    /// PostgreSQL: every character and every pair of adjacent characters of a request's text, for the
    /// back-office search of one or two characters, which pg_trgm cannot serve (ADR 0052). The pairs
    /// zip the character array with itself shifted by one: linear in the text's length.
    /// </summary>
    public static readonly IReadOnlyList<string> PostgresRequestGrams =
    [
        """
        CREATE OR REPLACE FUNCTION portal_text_grams(t text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
          SELECT c || ARRAY(SELECT a || b FROM unnest(c[1:cardinality(c) - 1], c[2:cardinality(c)]) AS u(a, b))
          FROM string_to_array(t, NULL) AS c
        $$;
        """,
        """CREATE INDEX "IX_Requests_Text_Grams" ON "Requests" USING gin ((portal_text_grams(lower("Title" || E'\n' || "BodyHtml"))));""",
    ];

    /// <summary>
    /// PostgreSQL, the site search (ADR 0052): the characters and pairs of a document's text, for
    /// queries of one or two characters; and the title's own characters-and-pairs and trigram
    /// indexes, so the title hits, ranked first, are found without walking every document.
    /// </summary>
    public static readonly IReadOnlyList<string> PostgresSearchGrams =
    [
        """CREATE INDEX "IX_SearchDocuments_Text_Grams" ON "SearchDocuments" USING gin ((portal_text_grams(lower("Title" || E'\n' || "Body"))));""",
        """CREATE INDEX "IX_SearchDocuments_Title_Grams" ON "SearchDocuments" USING gin ((portal_text_grams(lower("Title"))));""",
        """CREATE INDEX "IX_SearchDocuments_Title_Trgm" ON "SearchDocuments" USING gin ("Title" gin_trgm_ops);""",
    ];

    public static readonly IReadOnlyList<string> PostgresSearchGramsDrop =
    [
        """DROP INDEX IF EXISTS "IX_SearchDocuments_Text_Grams";""",
        """DROP INDEX IF EXISTS "IX_SearchDocuments_Title_Grams";""",
        """DROP INDEX IF EXISTS "IX_SearchDocuments_Title_Trgm";""",
    ];

    public static readonly IReadOnlyList<string> PostgresRequestGramsDrop =
    [
        """DROP INDEX IF EXISTS "IX_Requests_Text_Grams";""",
        "DROP FUNCTION IF EXISTS portal_text_grams(text);",
    ];

    /// <summary>
    /// Start-up check (issue 10): re-creates any append-only trigger someone with file or database
    /// access dropped, logs an alert and writes an audit record naming them. Returns the names restored.
    /// </summary>
    public static async Task<IReadOnlyList<string>> RestoreAppendOnlyTriggersAsync(PortalDbContext db, AuditLog audit, ILogger logger, CancellationToken cancellationToken = default)
    {
        var postgres = db.Database.IsNpgsql();
        var expected = postgres ? PostgresAppendOnly : SqliteAppendOnly;
        var names = expected.Select(t => t.Name).ToArray();
        var present = postgres
            ? await db.Database.SqlQueryRaw<string>("""SELECT tgname AS "Value" FROM pg_trigger WHERE NOT tgisinternal""").ToListAsync(cancellationToken)
            : await db.Database.SqlQueryRaw<string>("SELECT name AS \"Value\" FROM sqlite_master WHERE type = 'trigger'").ToListAsync(cancellationToken);
        var missing = expected.Where(t => !present.Contains(t.Name, StringComparer.Ordinal)).ToList();
        if (missing.Count == 0)
        {
            return [];
        }

        await using (var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None))
        {
            foreach (var trigger in missing)
            {
                await db.Database.ExecuteSqlRawAsync(trigger.Create, CancellationToken.None);
            }

            await transaction.CommitAsync(CancellationToken.None);
        }

        var list = string.Join(", ", missing.Select(t => t.Name));
        logger.LogCritical("ALERT: append-only triggers were missing and have been re-created: {Triggers}. Someone with direct access to the database removed them; check the audit and archive chains.", list);
        await audit.AppendAsync(new AuditEntry(null, "system", null, "AppendOnlyTriggersRestored", null, AuditOutcome.Failure, $"missing at start-up, re-created: {list}"), CancellationToken.None);
        return [.. missing.Select(t => t.Name)];
    }
}
