using System.Text.Json;
using InfoPortal.Data;
using InfoPortal.Features.Screening.Engine;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace InfoPortal.Features.Screening.Lists;

/// <summary>
/// Writes many terms with one statement inside the caller's transaction (ADR 0025). Change tracking
/// 50,000 entities took minutes and held SQLite's only write lock all that time; one
/// <c>INSERT … SELECT</c> over a JSON array (SQLite) or over <c>unnest</c> of arrays (PostgreSQL)
/// writes them in a fraction of a second. Table and column names and the stored form of
/// <see cref="Term.UpdatedAt"/> come from the EF model, so the SQL follows the mapping.
/// </summary>
internal static class TermBulkWriter
{
    public static async Task<int> InsertAsync(PortalDbContext db, int listId, IReadOnlyList<ImportRow> rows, DateTimeOffset now)
    {
        if (rows.Count == 0)
        {
            return 0;
        }

        var entity = db.Model.FindEntityType(typeof(Term)) ?? throw new InvalidOperationException("Term is not mapped.");
        var table = entity.GetTableName()!;
        string Column(string property) => entity.FindProperty(property)!.GetColumnName();
        var updated = entity.FindProperty(nameof(Term.UpdatedAt))!;
        var storedNow = updated.GetTypeMapping().Converter?.ConvertToProvider(now) ?? now;
        var columns = $"\"{Column(nameof(Term.WordListId))}\", \"{Column(nameof(Term.Text))}\", \"{Column(nameof(Term.Category))}\", \"{Column(nameof(Term.Level))}\", \"{Column(nameof(Term.Variants))}\", \"{Column(nameof(Term.UpdatedAt))}\"";

        if (db.Database.IsNpgsql())
        {
            var sql = $"INSERT INTO \"{table}\" ({columns}) SELECT @list, x.t, x.c, x.l, x.v, @now FROM unnest(@texts, @cats, @levels, @variants) AS x(t, c, l, v)";
            return await db.Database.ExecuteSqlRawAsync(sql,
            [
                new NpgsqlParameter("list", listId),
                new NpgsqlParameter("now", NpgsqlDbType.TimestampTz) { Value = storedNow },
                new NpgsqlParameter("texts", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = rows.Select(r => r.Text).ToArray() },
                new NpgsqlParameter("cats", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = rows.Select(r => r.Category).ToArray() },
                new NpgsqlParameter("levels", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = rows.Select(r => r.Level.ToString()).ToArray() },
                new NpgsqlParameter("variants", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = rows.Select(r => (int)(r.Variants ?? TermVariants.None)).ToArray() },
            ], CancellationToken.None);
        }

        var json = JsonSerializer.Serialize(rows.Select(r => new object[] { r.Text, r.Category, r.Level.ToString(), (int)(r.Variants ?? TermVariants.None) }));
        var sqliteSql = $"INSERT INTO \"{table}\" ({columns}) SELECT @list, json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]'), @now FROM json_each(@rows)";
        return await db.Database.ExecuteSqlRawAsync(sqliteSql,
        [
            new Microsoft.Data.Sqlite.SqliteParameter("@list", listId),
            new Microsoft.Data.Sqlite.SqliteParameter("@now", storedNow),
            new Microsoft.Data.Sqlite.SqliteParameter("@rows", json),
        ], CancellationToken.None);
    }
}
