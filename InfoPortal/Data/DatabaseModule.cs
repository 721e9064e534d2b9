using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Data;

public static class DatabaseModule
{
    /// <summary>Registers the context factory for the configured provider; a context per operation.</summary>
    public static IServiceCollection AddPortalDatabase(this IServiceCollection services, DatabaseSettings settings)
    {
        services.AddSingleton(settings);
        if (settings.Provider == DatabaseProvider.Postgres)
        {
            services.AddDbContextFactory<PostgresPortalDbContext>(o => ConfigurePostgres(o, settings.ConnectionString));
            services.AddSingleton<IDbContextFactory<PortalDbContext>>(sp =>
                new UpcastFactory<PostgresPortalDbContext>(sp.GetRequiredService<IDbContextFactory<PostgresPortalDbContext>>()));
        }
        else
        {
            services.AddDbContextFactory<PortalDbContext>(o => ConfigureSqlite(o, settings.ConnectionString));
        }

        // Identity and Data Protection resolve the context from the request scope.
        services.AddScoped<PortalDbContext>(sp => sp.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext());
        return services;
    }

    internal static void ConfigureSqlite(DbContextOptionsBuilder options, string connectionString) =>
        options.UseSqlite(connectionString, o => o.MigrationsAssembly(typeof(PortalDbContext).Assembly.GetName().Name))
            .AddInterceptors(new SqlitePragmas());

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

        await db.Database.MigrateAsync(cancellationToken);
    }

    private sealed class UpcastFactory<T>(IDbContextFactory<T> inner) : IDbContextFactory<PortalDbContext>
        where T : PortalDbContext
    {
        public PortalDbContext CreateDbContext() => inner.CreateDbContext();
    }
}
