using InfoPortal.Data;
using Npgsql;

namespace InfoPortal.Infrastructure.Cluster;

/// <summary>
/// Serialises start-up work (migrations, roles, shipped chains, demo seeding) across instances
/// that start together on one database. PostgreSQL: a session advisory lock on a dedicated
/// connection — the loser waits, then finds everything done and continues; a crashed holder's
/// lock goes with its session. SQLite: an exclusive lock on a file next to the database (flock,
/// which .NET takes for FileShare.None), for two processes started on one file by mistake.
/// </summary>
public static class StartupLock
{
    /// <summary>The advisory lock key: "InfoStrt" as an int64 — not the audit/archive chain lock's "InfoPort" (PortalDbContext.ChainLockKey): the seeder appends to the chain while this lock is held.</summary>
    public const long AdvisoryKey = 0x496E666F53747274;

    public static async Task<IAsyncDisposable> AcquireAsync(DatabaseSettings settings, ILogger logger, CancellationToken cancellationToken = default)
    {
        if (settings.Provider == DatabaseProvider.Postgres)
        {
            var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(settings.ConnectionString) { Pooling = false, ApplicationName = "infoportal-startup" }.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using (var tryLock = new NpgsqlCommand($"SELECT pg_try_advisory_lock({AdvisoryKey})", connection))
            {
                if (await tryLock.ExecuteScalarAsync(cancellationToken) is true)
                {
                    return new PostgresLock(connection);
                }
            }

            logger.LogInformation("Another instance is migrating or seeding the database; waiting for it");
            await using (var wait = new NpgsqlCommand($"SELECT pg_advisory_lock({AdvisoryKey})", connection) { CommandTimeout = 0 })
            {
                await wait.ExecuteNonQueryAsync(cancellationToken);
            }

            return new PostgresLock(connection);
        }

        var file = settings.SqliteFilePath is { Length: > 0 } db && db != ":memory:" ? db + ".startup-lock" : Path.Combine(settings.StorageRoot, ".startup-lock");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var logged = false;
        while (true)
        {
            try
            {
                return new FileLock(new FileStream(file, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException)
            {
                if (!logged)
                {
                    logger.LogInformation("Another process is migrating or seeding {File}; waiting for it", settings.SqliteFilePath);
                    logged = true;
                }

                await Task.Delay(200, cancellationToken);
            }
        }
    }

    private sealed class PostgresLock(NpgsqlConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            // Closing the session releases the lock as well; the explicit unlock just makes it prompt.
            try
            {
                await using var unlock = new NpgsqlCommand($"SELECT pg_advisory_unlock({AdvisoryKey})", connection);
                await unlock.ExecuteNonQueryAsync();
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }

    private sealed class FileLock(FileStream stream) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => stream.DisposeAsync();
    }
}
