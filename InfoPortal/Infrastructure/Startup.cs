using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using Microsoft.Extensions.Configuration.Json;

namespace InfoPortal.Infrastructure;

public static class Startup
{
    /// <summary>
    /// appsettings.json lives at the repository root and is copied next to the binaries. When the
    /// content root (the project folder under <c>dotnet run</c>) has none, read the copies, in the
    /// same place of the source order so environment variables and --args still override them.
    /// </summary>
    public static void AddRepositorySettings(this ConfigurationManager configuration, IWebHostEnvironment environment)
    {
        if (File.Exists(Path.Combine(environment.ContentRootPath, "appsettings.json")))
        {
            return;
        }

        var sources = (IList<IConfigurationSource>)configuration.Sources;
        var index = sources.Select((s, i) => (s, i)).LastOrDefault(p => p.s is JsonConfigurationSource).i;
        var baseDirectory = AppContext.BaseDirectory;
        var files = new[] { "appsettings.json", $"appsettings.{environment.EnvironmentName}.json" };
        foreach (var file in files)
        {
            var source = new JsonConfigurationSource
            {
                Path = file,
                Optional = true,
                ReloadOnChange = false,
                FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(baseDirectory),
            };
            source.ResolveFileProvider();
            sources.Insert(++index, source);
        }

    }

    /// <summary>Migrations, roles, and in Development (Demo:Seed) the demo agency.</summary>
    public static async Task InitializeAsync(this WebApplication app, bool seedDemo)
    {
        // Instances starting together on one database take turns (issue 13 item 3): the first
        // migrates and seeds, the others wait for it and then find nothing left to do.
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(Startup));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var phases = new List<string>();
        void Phase(string name)
        {
            phases.Add($"{name} {watch.ElapsedMilliseconds} ms");
            watch.Restart();
        }

        var settings = app.Services.GetRequiredService<DatabaseSettings>();
        Directory.CreateDirectory(settings.StorageRoot);
        await using var startupLock = await Cluster.StartupLock.AcquireAsync(settings, logger);
        Phase("lock");
        await DatabaseModule.MigrateAsync(app.Services);
        Phase("migrations");
        await using (var db = await app.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            await Files.FileStoreCheck.VerifyAsync(settings, db);
        }

        Phase("file store");
        await using var scope = app.Services.CreateAsyncScope();
        await CheckIntegrityAsync(scope.ServiceProvider);
        Phase("integrity");
        var seeder = scope.ServiceProvider.GetRequiredService<DemoSeeder>();
        await seeder.EnsureRolesAsync();
        await scope.ServiceProvider.GetRequiredService<Features.Requests.ReviewChainService>().EnsureShippedAsync();
        Phase("roles and chains");
        var demo = app.Configuration.GetSection("Demo").Get<DemoOptions>() ?? new DemoOptions();
        if (seedDemo && demo.Seed)
        {
            await seeder.SeedDemoAsync(demo);
            await scope.ServiceProvider.GetRequiredService<Features.Columns.ColumnService>().SeedDemoAsync();
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
        var audit = services.GetRequiredService<Features.Audit.AuditLog>();
        await using (var db = await services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            await SchemaGuards.RestoreAppendOnlyTriggersAsync(db, audit, logger);
        }

        // Published requests without their archive record: reported after the server listens
        // (ArchiveIntegrityCheck), since the check reads every publication.
    }
}
