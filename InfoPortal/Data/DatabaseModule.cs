using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Data;

public static class DatabaseModule
{
    /// <summary>
    /// Registers the context factory for the configured provider; a context per operation.
    /// Settings are read when first needed, so every configuration source (including a test
    /// host's) has its say.
    /// </summary>
    public static IServiceCollection AddPortalDatabase(this IServiceCollection services)
    {
        services.AddSingleton(sp => DatabaseSettings.From(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IHostEnvironment>().ContentRootPath));
        services.AddSingleton<IDbContextFactory<PortalDbContext>, PortalDbContextFactory>();

        // Identity and Data Protection resolve the context from the request scope.
        services.AddScoped<PortalDbContext>(sp => sp.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext());
        services.AddScoped<InTransactionEvents>();
        return services;
    }

    internal static void ConfigureSqlite(DbContextOptionsBuilder options, string connectionString) =>
        options.UseSqlite(connectionString).AddInterceptors(new SqlitePragmas());

    internal static void ConfigurePostgres(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString);

    /// <summary>Creates the database or brings it to the newest migration; sets WAL on SQLite.</summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var settings = services.GetRequiredService<DatabaseSettings>();
        Directory.CreateDirectory(settings.StorageRoot);
        if (settings.SqliteFilePath is { } file && Path.GetDirectoryName(file) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }

        await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(cancellationToken);
        if (settings.Provider == DatabaseProvider.Sqlite)
        {
            // WAL is a property of the file: readers never block the writer.
            await db.Database.OpenConnectionAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        // Nothing to apply (every start but the first after an upgrade): skip MigrateAsync, whose
        // model-difference check and migration lock cost seconds at each start (ADR 0053). The start-up
        // lock (Cluster.StartupLock) already keeps instances from migrating at once.
        if ((await db.Database.GetPendingMigrationsAsync(cancellationToken)).Any())
        {
            await db.Database.MigrateAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Hands out <see cref="PortalDbContext"/> on SQLite and <see cref="PostgresPortalDbContext"/>
    /// on PostgreSQL, so each provider finds its own migrations.
    /// </summary>
    private sealed class PortalDbContextFactory : IDbContextFactory<PortalDbContext>
    {
        private readonly Func<PortalDbContext> _create;

        public PortalDbContextFactory(DatabaseSettings settings, ILoggerFactory loggerFactory, IEnumerable<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor> interceptors, IServiceProvider services)
        {
            // Cluster signals bumped in a transaction reach this instance's handlers after its commit.
            var signals = new Infrastructure.Cluster.ClusterCommitInterceptor(services);
            if (settings.Provider == DatabaseProvider.Postgres)
            {
                var options = new DbContextOptionsBuilder<PostgresPortalDbContext>().UseLoggerFactory(loggerFactory);
                ConfigurePostgres(options, settings.ConnectionString);
                options.AddInterceptors([.. interceptors, signals]);
                var built = options.Options;
                _create = () => new PostgresPortalDbContext(built);
            }
            else
            {
                var options = new DbContextOptionsBuilder<PortalDbContext>().UseLoggerFactory(loggerFactory);
                ConfigureSqlite(options, settings.ConnectionString);
                options.AddInterceptors([.. interceptors, signals]);
                var built = options.Options;
                _create = () => new PortalDbContext(built);
            }
        }

        public PortalDbContext CreateDbContext() => _create();
    }
}
