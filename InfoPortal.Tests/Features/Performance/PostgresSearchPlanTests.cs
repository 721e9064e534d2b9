using System.Diagnostics;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Requests;
using InfoPortal.Features.Search;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace InfoPortal.Tests.Features.Performance;

/// <summary>
/// Issue 12 item 4 on PostgreSQL (ADR 0052): pg_trgm cannot serve a back-office or site search of one
/// or two characters, so those read the characters-and-pairs indexes (IX_Requests_Text_Grams;
/// IX_SearchDocuments_Title_Grams for the title hits the site ranks first, IX_SearchDocuments_Text_Grams
/// for the rest). Before it, a
/// character nobody used scanned the whole requests table (288 ms at 200,000 rows, growing with it).
/// The commands the search sends are caught and explained on a database of 2,000 requests as
/// autovacuum leaves it (pending GIN entries merged, statistics gathered): a text that is rare or
/// absent must be looked up in the index, never by walking the table.
/// </summary>
public sealed class PostgresSearchPlanTests
{
    [SkippableFact]
    public async Task BackOfficeAndSiteSearch_OfOneOrTwoCharacters_ReadTheGramsIndexes()
    {
        Skip.If(TestDatabase.PostgresServer is null && !TestDatabase.IsCi, "PostgreSQL not configured");
        await using var app = await PortalFactory.CreateAsync("Postgres");
        await QueryPlanTests.SeedAsync(app, 2000);
        await using (var db = app.CreateDbContext())
        {
            // As autovacuum leaves it: the GIN pending list of the fresh inserts merged, statistics gathered.
            await db.Database.ExecuteSqlRawAsync("VACUUM ANALYZE \"Requests\";");
            await db.Database.ExecuteSqlRawAsync("VACUUM ANALYZE \"SearchDocuments\";");
        }

        using var scope = app.Services.CreateScope();
        var requests = scope.ServiceProvider.GetRequiredService<RequestService>();
        var search = scope.ServiceProvider.GetRequiredService<SearchService>();
        var director = await app.ActorAsync("director");
        var database = new NpgsqlConnectionStringBuilder(app.ConnectionString).Database;
        var captured = new List<(string Sql, List<(string Name, object? Value)> Parameters)>();
        var found = new Dictionary<string, int>(StringComparer.Ordinal);

        // 鑫: a character no request has; 链疫: two characters every topic has, never side by side;
        // 苗 and 冷链: in a fifth of the requests.
        string[] rare = ["鑫", "链疫"];
        using (var listener = new QueryPlanTests.CommandListener(c => c is NpgsqlConnection npgsql && npgsql.Database == database, captured))
        using (DiagnosticListener.AllListeners.Subscribe(listener))
        {
            foreach (var q in rare.Concat(["苗", "冷链"]))
            {
                found[q] = (await requests.ListAsync(director, new RequestFilter(Query: q, Limit: 50))).Count;
                found["site:" + q] = (await search.SearchAsync(Actor.Anonymous(null), q)).Items.Count;
            }
        }

        Assert.Equal(0, found["鑫"]);
        Assert.Equal(0, found["链疫"]);
        Assert.Equal(50, found["苗"]);
        Assert.Equal(50, found["冷链"]);
        Assert.Equal(0, found["site:鑫"]);
        Assert.Equal(0, found["site:链疫"]);
        Assert.Equal(20, found["site:苗"]);
        Assert.Equal(20, found["site:冷链"]);

        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        foreach (var q in rare)
        {
            // The back-office search (one command) and the site search (title hits, then body hits).
            var commands = captured.Where(c => c.Sql.Contains("portal_text_grams", StringComparison.Ordinal) && c.Parameters.Any(p => Equals(p.Value, q))).ToList();
            Assert.True(commands.Count(c => c.Sql.Contains("FROM \"Requests\"", StringComparison.Ordinal)) == 1 && commands.Count(c => c.Sql.Contains("FROM \"SearchDocuments\"", StringComparison.Ordinal)) == 2,
                $"the searches for {q} sent {commands.Count} commands through the grams indexes:\n" + string.Join("\n", captured.Select(c => c.Sql)));
            foreach (var (sql, parameters) in commands)
            {
                var table = sql.Contains("FROM \"Requests\"", StringComparison.Ordinal) ? "Requests" : "SearchDocuments";
                // The site's title hits come from the title's own index, the body-only hits from the whole text's.
                var index = table == "Requests" ? "IX_Requests_Text_Grams"
                    : sql.Contains("portal_text_grams(lower(d.\"Title\"))", StringComparison.Ordinal) ? "IX_SearchDocuments_Title_Grams" : "IX_SearchDocuments_Text_Grams";
                await using var explain = new NpgsqlCommand("EXPLAIN " + sql, connection);
                foreach (var (name, value) in parameters)
                {
                    explain.Parameters.AddWithValue(name.TrimStart('@'), value ?? DBNull.Value);
                }

                var plan = new List<string>();
                await using (var reader = await explain.ExecuteReaderAsync())
                {
                    while (await reader.ReadAsync())
                    {
                        plan.Add(reader.GetString(0));
                    }
                }

                var text = string.Join("\n", plan);
                Assert.True(text.Contains(index, StringComparison.Ordinal) && !text.Contains($"Seq Scan on \"{table}\"", StringComparison.Ordinal),
                    $"the search for {q} does not read {index}:\n{sql}\n{text}");
            }
        }
    }
}
