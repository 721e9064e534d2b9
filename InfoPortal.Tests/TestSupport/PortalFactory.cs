using System.Net;
using InfoPortal.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.TestSupport;

/// <summary>
/// The real app on a brand-new database (a fresh SQLite file, or a fresh PostgreSQL database),
/// seeded with the demo agency as in Development. Each factory has its own data folder.
/// </summary>
public class PortalFactory : WebApplicationFactory<Program>
{
    public const string DemoPassword = "InfoPortal#2026";

    /// <summary>Tests say which client address a request comes from with this header.</summary>
    public const string ClientIpHeader = "X-Test-Client-IP";

    private readonly Dictionary<string, string?> _settings = new(StringComparer.Ordinal);
    private readonly List<Action<IServiceCollection>> _services = [];

    public PortalFactory(string provider = "Sqlite", string? postgresConnectionString = null)
    {
        Provider = provider;
        DataFolder = Path.Combine(Path.GetTempPath(), "infoportal-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(DataFolder);
        _settings["Storage:Root"] = Path.Combine(DataFolder, "files");

        // No Hangfire server or start-up catch-up racing with the tests; a test that wants them says so.
        _settings["Jobs:RunServer"] = "false";
        _settings["Jobs:CatchUpAtStart"] = "false";
        if (provider == "Postgres")
        {
            _settings["Database:Provider"] = "Postgres";
            _settings["ConnectionStrings:Portal"] = postgresConnectionString ?? throw new ArgumentNullException(nameof(postgresConnectionString));
        }
        else
        {
            _settings["Database:Provider"] = "Sqlite";
            _settings["ConnectionStrings:Portal"] = $"Data Source={Path.Combine(DataFolder, "portal.db")}";
        }
    }

    public string Provider { get; }

    public string DataFolder { get; }

    /// <summary>The database this host uses (a second instance on the same database reuses it).</summary>
    public string ConnectionString => _settings["ConnectionStrings:Portal"]!;

    /// <summary>The file store (Storage:Root) this host uses.</summary>
    public string StorageRoot => _settings["Storage:Root"]!;

    /// <summary>Creates a factory for the provider; for PostgreSQL it first creates an empty database.</summary>
    public static async Task<PortalFactory> CreateAsync(string provider, Action<PortalFactory>? configure = null)
    {
        var factory = provider == "Postgres"
            ? new PortalFactory("Postgres", await TestDatabase.CreatePostgresDatabaseAsync())
            : new PortalFactory();
        configure?.Invoke(factory);
        return factory;
    }

    /// <summary>Overrides a configuration value; call before the first client is created.</summary>
    public PortalFactory With(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    /// <summary>Adds or replaces services (a test-only job, a fake clock); call before the first client is created.</summary>
    public PortalFactory WithServices(Action<IServiceCollection> configure)
    {
        _services.Add(configure);
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter, ClientAddressStartupFilter>());
        foreach (var configure in _services)
        {
            builder.ConfigureServices(configure);
        }
    }

    public HttpClient CreatePortalClient(string? clientIp = "127.0.0.1")
    {
        var options = new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true };
        // On Kestrel (browser tests) the client talks to the real socket.
        if (Services.GetService<Microsoft.AspNetCore.Hosting.Server.IServer>()?.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses.FirstOrDefault() is { } address)
        {
            options.BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        }

        var client = CreateClient(options);
        if (clientIp is not null)
        {
            client.DefaultRequestHeaders.Add(ClientIpHeader, clientIp);
        }

        return client;
    }

    public PortalDbContext CreateDbContext() => Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();

    /// <summary>The demo user as the services see them (their roles from the database), calling from loopback.</summary>
    public async Task<InfoPortal.Infrastructure.Security.Actor> ActorAsync(string userName)
    {
        await using var db = CreateDbContext();
        var user = await db.Users.SingleAsync(u => u.UserName == userName);
        var roles = await db.UserRoles.Where(r => r.UserId == user.Id).Join(db.Roles, r => r.RoleId, r => r.Id, (_, r) => r.Name!).ToListAsync();
        return new InfoPortal.Infrastructure.Security.Actor(user.Id, userName, user.DisplayName, user.DepartmentId, roles.ToHashSet(StringComparer.Ordinal), "127.0.0.1");
    }

    /// <summary>Leave the database (and the data folder) behind on dispose, so a "restarted" host can open it.</summary>
    public bool KeepDatabase { get; set; }

    /// <summary>A second host on this one's database and file store (two instances, or this one restarted; ADR 0027).</summary>
    public PortalFactory OnSameDatabase() =>
        (Provider == "Postgres" ? new PortalFactory("Postgres", ConnectionString) : new PortalFactory().With("ConnectionStrings:Portal", ConnectionString))
            .With("Storage:Root", StorageRoot);

    /// <summary>Removes the data folder a <see cref="KeepDatabase"/> host left behind, once its last host is gone.</summary>
    public void DeleteKeptDataFolder() => TryDeleteDataFolder();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (KeepDatabase)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            GC.SuppressFinalize(this);
            return;
        }

        if (Provider == "Postgres" && _settings["ConnectionStrings:Portal"] is { } cs)
        {
            await TestDatabase.DropPostgresDatabaseAsync(cs);
        }

        TryDeleteDataFolder();
        GC.SuppressFinalize(this);
    }

    private void TryDeleteDataFolder()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataFolder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on some platform: the temp folder is cleaned by the OS.
        }
    }

    /// <summary>
    /// The test server has no real socket, so the client address comes from a test header
    /// (127.0.0.1 when absent). Runs before everything else in the pipeline.
    /// </summary>
    private sealed class ClientAddressStartupFilter : Microsoft.AspNetCore.Hosting.IStartupFilter
    {
        public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
        {
            app.Use(async (HttpContext context, Func<Task> nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue(ClientIpHeader, out var ip) && IPAddress.TryParse(ip, out var address))
                {
                    context.Connection.RemoteIpAddress = address;
                }
                else
                {
                    context.Connection.RemoteIpAddress ??= IPAddress.Loopback;
                }

                await nextMiddleware();
            });
            next(app);
        };
    }
}
