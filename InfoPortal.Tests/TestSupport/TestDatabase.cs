using Npgsql;

namespace InfoPortal.Tests.TestSupport;

/// <summary>
/// Which databases the data tests run on: SQLite always; PostgreSQL when
/// <c>INFOPORTAL_TEST_POSTGRES</c> holds a connection string. Under <c>CI=true</c> a missing
/// PostgreSQL is an error, not a skip.
/// </summary>
public static class TestDatabase
{
    public const string PostgresVariable = "INFOPORTAL_TEST_POSTGRES";

    public static string? PostgresServer => Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } cs ? cs : null;

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Theory data: "Sqlite", plus "Postgres" when configured or required.</summary>
    public static TheoryData<string> Providers
    {
        get
        {
            var data = new TheoryData<string> { "Sqlite" };
            if (PostgresServer is not null || IsCi)
            {
                data.Add("Postgres");
            }

            return data;
        }
    }

    /// <summary>Creates an empty PostgreSQL database for one test host and returns its connection string.</summary>
    public static async Task<string> CreatePostgresDatabaseAsync()
    {
        var server = PostgresServer ?? throw new InvalidOperationException(
            $"PostgreSQL tests need {PostgresVariable} (a connection string to a server where the user may CREATE DATABASE). .ci/run sets it.");
        var name = "infoportal_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE \"{name}\"";
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = false }.ConnectionString;
    }

    public static async Task DropPostgresDatabaseAsync(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var name = builder.Database;
        builder.Database = "postgres";
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)";
        await command.ExecuteNonQueryAsync();
    }
}
