using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Audit;
using InfoPortal.Features.Columns;
using InfoPortal.Features.Requests;
using InfoPortal.Infrastructure;
using InfoPortal.Infrastructure.Cluster;
using InfoPortal.Infrastructure.Files;

namespace InfoPortal;

/// <summary>
/// What runs before the server listens (ADR 0053), in the composition root because it touches several
/// features: the start-up lock, migrations, the file-store check, the append-only guards, roles and
/// shipped chains, and in Development the demo agency.
/// </summary>
public static class PortalStartup
{
    /// <summary>Migrations, roles, and in Development (Demo:Seed) the demo agency.</summary>
    public static async Task InitializeAsync(this WebApplication app, bool seedDemo)
    {
        // Instances starting together on one database take turns (issue 13 item 3): the first
        // migrates and seeds, the others wait for it and then find nothing left to do.
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PortalStartup));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var phases = new List<string>();
        void Phase(string name)
        {
            phases.Add($"{name} {watch.ElapsedMilliseconds} ms");
            watch.Restart();
        }

        var settings = app.Services.GetRequiredService<DatabaseSettings>();
        Directory.CreateDirectory(settings.StorageRoot);
        await using var startupLock = await StartupLock.AcquireAsync(settings, logger);
        Phase("lock");
        await DatabaseModule.MigrateAsync(app.Services);
        Phase("migrations");
        await using (var db = await app.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            await FileStoreCheck.VerifyAsync(settings, db);
        }

        Phase("file store");
        await using var scope = app.Services.CreateAsyncScope();
        await CheckIntegrityAsync(scope.ServiceProvider);
        Phase("integrity");
        var seeder = scope.ServiceProvider.GetRequiredService<DemoSeeder>();
        await seeder.EnsureRolesAsync();
        await scope.ServiceProvider.GetRequiredService<ReviewChainService>().EnsureShippedAsync();
        Phase("roles and chains");
        var demo = app.Configuration.GetSection("Demo").Get<DemoOptions>() ?? new DemoOptions();
        if (seedDemo && demo.Seed)
        {
            await seeder.SeedDemoAsync(demo);
            await scope.ServiceProvider.GetRequiredService<ColumnService>().SeedDemoAsync();
            Phase("demo");
        }

        logger.LogInformation("Start-up steps: {Phases}", string.Join(", ", phases));
    }

    /// <summary>
    /// Start-up checks of what must never be lost (issue 10): dropped append-only triggers are
    /// re-created and reported, with an audit record, before the server listens.
    /// </summary>
    private static async Task CheckIntegrityAsync(IServiceProvider services)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("InfoPortal.Startup");
        var audit = services.GetRequiredService<AuditLog>();
        await using (var db = await services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            await SchemaGuards.RestoreAppendOnlyTriggersAsync(db, audit, logger);
        }

        // Published requests without their archive record: reported after the server listens
        // (ArchiveIntegrityCheck), since the check reads every publication.
    }
}
