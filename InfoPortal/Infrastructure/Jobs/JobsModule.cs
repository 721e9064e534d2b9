using Hangfire;
using Hangfire.Dashboard;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using Microsoft.Extensions.Options;
using Npgsql;

namespace InfoPortal.Infrastructure.Jobs;

/// <summary>
/// Hangfire as the clock: InMemory storage on SQLite, Hangfire.PostgreSql (schema "hangfire") on
/// PostgreSQL (ADR 0006). The business state — runs, completed periods, leases — lives in our own
/// tables, so Hangfire only decides when; the <see cref="JobRunner"/> decides whether.
/// </summary>
public static class JobsModule
{
    public const string DashboardPath = "/hangfire";

    public static IServiceCollection AddJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<JobsOptions>(configuration.GetSection(JobsOptions.Section));
        services.Configure<BackupOptions>(configuration.GetSection(BackupOptions.Section));
        services.AddSingleton<JobRunner>();
        services.AddSingleton<JobCatchUp>();
        services.AddTransient<HangfireJobEntry>();
        services.AddPeriodicJob<BackupJob>();

        // Our own storage instance per host (not JobStorage.Current): test hosts on SQLite and
        // PostgreSQL run side by side in one process.
        services.AddSingleton<JobStorage>(sp =>
        {
            var database = sp.GetRequiredService<DatabaseSettings>();
            if (database.Provider != DatabaseProvider.Postgres)
            {
                return new InMemoryStorage(new InMemoryStorageOptions());
            }

            InstallHangfireSchema(database.ConnectionString);
            var storageOptions = new PostgreSqlStorageOptions
            {
                SchemaName = HangfireSchema,
                PrepareSchemaIfNecessary = false,
                // An idle worker looks at its queue this often (a job enqueued by this process wakes it at once).
                QueuePollInterval = TimeSpan.FromSeconds(Math.Max(1, sp.GetRequiredService<IOptions<JobsOptions>>().Value.PollingSeconds)),
            };
            return new PostgreSqlStorage(new Hangfire.PostgreSql.Factories.NpgsqlConnectionFactory(database.ConnectionString, storageOptions), storageOptions);
        });
        services.AddHangfire(c => c
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());
        services.AddHostedService<JobsHostedService>();
        services.AddHostedService<JobTakeover>();
        return services;
    }

    private const string HangfireSchema = "hangfire";

    /// <summary>Key of the session advisory lock that serialises Hangfire's schema installation.</summary>
    private const long HangfireSchemaLock = 0x496E_666F_4A6F_6273; // "InfoJobs" in ASCII

    /// <summary>
    /// Installs or upgrades Hangfire's tables under a PostgreSQL advisory lock. Hangfire.PostgreSql's
    /// own installer takes no lock: two instances starting together on an empty database raced
    /// (duplicate pg_type rows, "could not find tuple for constraint") and one of them failed to start.
    /// </summary>
    internal static void InstallHangfireSchema(string connectionString)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({HangfireSchemaLock})", connection) { CommandTimeout = 120 })
        {
            take.ExecuteNonQuery();
        }

        try
        {
            PostgreSqlObjectsInstaller.Install(connection, HangfireSchema);
        }
        finally
        {
            using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({HangfireSchemaLock})", connection);
            release.ExecuteNonQuery();
        }
    }

    /// <summary>Registers a periodic job: scheduled by Hangfire, caught up at start, listed on /office/jobs.</summary>
    public static IServiceCollection AddPeriodicJob<TJob>(this IServiceCollection services)
        where TJob : PeriodicJob
    {
        services.AddScoped<PeriodicJob, TJob>();
        return services;
    }

    /// <summary>The dashboard: SystemAdmin in full, Assessor read-only, others 403 (anonymous: sign-in).</summary>
    public static IEndpointRouteBuilder MapJobs(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHangfireDashboard(DashboardPath, new DashboardOptions
        {
            AppPath = "/office/jobs",
            DashboardTitle = "InfoPortal jobs",
            DisplayStorageConnectionString = false,
            Authorization = [new PortalDashboardAuthorization()],
            IsReadOnlyFunc = context => !Permissions.Granted(context.GetHttpContext().User, Permissions.Jobs.Run),
        });
        return endpoints;
    }

    private sealed class PortalDashboardAuthorization : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context)
        {
            var user = context.GetHttpContext().User;
            return Permissions.Granted(user, Permissions.Jobs.View);
        }
    }
}

/// <summary>What the Hangfire recurring job calls: one method per run, the job's name as argument.</summary>
public sealed class HangfireJobEntry(JobRunner runner)
{
    /// <summary>
    /// No Hangfire lock here: <c>[DisableConcurrentExecution]</c> on this one shared method was one
    /// lock for every job (a monthly report held up scheduled publishing, and a crashed holder's lock
    /// failed every job for ten minutes). Our lease per job and period is the lock — it holds across
    /// storages, instances and the catch-up, is renewed by a heartbeat and taken over after a crash
    /// (ADR 0027). No Hangfire retries: a failed run is recorded and the catch-up or the next
    /// occurrence redoes the period.
    /// </summary>
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    public async Task RunAsync(string jobName, CancellationToken cancellationToken)
    {
        var result = await runner.RunDueAsync(jobName, JobRunner.ScheduleTrigger, cancellationToken);
        if (result.Outcome == JobOutcome.Failed)
        {
            throw new InvalidOperationException($"Job {jobName} failed: {result.Error}");
        }
    }
}

/// <summary>
/// Starts the Hangfire server and registers the recurring jobs when Jobs:RunServer is on, then
/// runs the catch-up (Jobs:CatchUpAtStart) in the background; stops the server on shutdown.
/// </summary>
public sealed class JobsHostedService(IServiceProvider services, IOptions<JobsOptions> options, ILogger<JobsHostedService> logger) : IHostedService, IDisposable
{
    private BackgroundJobServer? _server;
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;

    /// <summary>Finishes when the start-up catch-up has run (tests wait for it).</summary>
    public Task CatchUp { get; private set; } = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var runner = services.GetRequiredService<JobRunner>();
        if (settings.RunServer)
        {
            var storage = services.GetRequiredService<JobStorage>();
            var recurring = services.GetRequiredService<IRecurringJobManager>();
            var configuration = services.GetRequiredService<IConfiguration>();
            foreach (var job in runner.Jobs())
            {
                var section = configuration.GetSection($"{JobsOptions.Section}:{job.Name}");
                if (section.GetValue("Enabled", true))
                {
                    var cron = section["Cron"] is { Length: > 0 } c ? c : job.DefaultCron;
                    var name = job.Name;
                    recurring.AddOrUpdate<HangfireJobEntry>(name, e => e.RunAsync(name, CancellationToken.None), cron, new RecurringJobOptions { TimeZone = runner.TimeZone });
                }
                else
                {
                    recurring.RemoveIfExists(job.Name);
                }
            }

            var polling = TimeSpan.FromSeconds(Math.Max(1, settings.PollingSeconds));
            _server = new BackgroundJobServer(
                new BackgroundJobServerOptions
                {
                    WorkerCount = Math.Max(1, settings.WorkerCount),
                    SchedulePollingInterval = polling,
                    ServerName = $"infoportal-{Environment.MachineName}-{Environment.ProcessId}",
                    Activator = services.GetRequiredService<JobActivator>(),
                },
                storage);
        }

        if (settings.CatchUpAtStart)
        {
            CatchUp = Task.Run(async () =>
            {
                try
                {
                    await services.GetRequiredService<JobCatchUp>().RunAsync(_stopping.Token);
                }
                catch (OperationCanceledException)
                {
                    // Shutting down.
                }
                catch (Exception ex)
                {
                    logger.LogError(ex, "The start-up catch-up failed; the next start tries again");
                }
            }, CancellationToken.None);
            services.GetRequiredService<StartupWork>().Track("catch-up", CatchUp);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // A host torn down by a test factory may dispose its services before it stops them.
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        if (_server is { } server)
        {
            server.SendStop();
            await server.WaitForShutdownAsync(cancellationToken);
            server.Dispose();
            _server = null;
        }

        await CatchUp.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _server?.Dispose();
        _stopping.Dispose();
    }
}

/// <summary>
/// On every instance that runs jobs: every Jobs:TakeoverCheckSeconds, redo the periods whose lease
/// expired because its holder died (issue 13 item 5). The lease insert/expired-update decides which
/// instance gets each one.
/// </summary>
public sealed class JobTakeover(JobRunner runner, IOptions<JobsOptions> options, ILogger<JobTakeover> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RunServer)
        {
            return;
        }

        var interval = TimeSpan.FromSeconds(Math.Max(1, options.Value.TakeoverCheckSeconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, stoppingToken);
                await runner.TakeOverExpiredAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Looking for expired job leases failed; trying again");
            }
        }
    }
}
