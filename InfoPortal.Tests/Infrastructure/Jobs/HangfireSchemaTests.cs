using InfoPortal.Infrastructure.Jobs;
using InfoPortal.Tests.TestSupport;
using Npgsql;

namespace InfoPortal.Tests.Infrastructure.Jobs;

/// <summary>
/// Instances of a cluster start together on an empty database: each installs Hangfire's schema.
/// Hangfire.PostgreSql's installer takes no lock; ours serialises it, so every instance starts.
/// </summary>
public sealed class HangfireSchemaTests
{
    [SkippableFact]
    public async Task InstallHangfireSchema_SixInstancesAtOnceOnAnEmptyDatabase_AllSucceedAndTheSchemaIsComplete()
    {
        Skip.If(TestDatabase.PostgresServer is null && !TestDatabase.IsCi, "PostgreSQL not configured");
        var connectionString = await TestDatabase.CreatePostgresDatabaseAsync();
        try
        {
            using var start = new ManualResetEventSlim();
            var installs = Enumerable.Range(0, 6).Select(_ => Task.Factory.StartNew(
                () =>
                {
                    start.Wait();
                    JobsModule.InstallHangfireSchema(connectionString);
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default)).ToArray();
            start.Set();
            await Task.WhenAll(installs).WaitAsync(TimeSpan.FromSeconds(120));

            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT version FROM hangfire.schema", connection);
            var version = Convert.ToInt32(await command.ExecuteScalarAsync());
            Assert.True(version >= 23, $"schema version {version}");
            await using var tables = new NpgsqlCommand("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'hangfire' AND table_name IN ('job','jobqueue','state','server','lock','hash','set','list','counter','aggregatedcounter','jobparameter')", connection);
            Assert.Equal(11L, (long)(await tables.ExecuteScalarAsync())!);
        }
        finally
        {
            await TestDatabase.DropPostgresDatabaseAsync(connectionString);
        }
    }
}
