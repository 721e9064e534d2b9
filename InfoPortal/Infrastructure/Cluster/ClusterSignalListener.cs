using System.Collections.Concurrent;
using InfoPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace InfoPortal.Infrastructure.Cluster;

/// <summary>Keys under <c>Cluster</c>.</summary>
public sealed class ClusterOptions
{
    public const string Section = "Cluster";

    /// <summary>How often the versions are compared with what this instance handled (the safety net).</summary>
    public double CheckSeconds { get; set; } = 5;

    /// <summary>How long to wait before reconnecting the LISTEN connection after it failed.</summary>
    public double ReconnectSeconds { get; set; } = 1;
}

/// <summary>
/// The cluster's ear (ADR 0021 §4). On PostgreSQL one dedicated connection LISTENs on
/// <see cref="ClusterSignalEvent.Channel"/> and dispatches every notification; after each
/// (re)connect it handles every topic as "everything changed" (notifications sent while it was
/// away are lost), and every <see cref="ClusterOptions.CheckSeconds"/> it compares
/// <c>ClusterVersions</c> with what it handled. On SQLite there is one instance, which handles its
/// own changes after the commit; the version check still runs as the safety net.
/// </summary>
public sealed class ClusterSignalListener(
    DatabaseSettings settings,
    IDbContextFactory<PortalDbContext> dbFactory,
    ClusterSignalDispatcher dispatcher,
    IOptions<ClusterOptions> options,
    ILogger<ClusterSignalListener> logger) : BackgroundService
{
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the first LISTEN (PostgreSQL) or the first check (SQLite) is done.</summary>
    public Task Listening => _listening.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Let the host finish starting; handlers need the migrated database.
        await Task.Yield();
        if (settings.Provider == DatabaseProvider.Postgres)
        {
            await ListenAsync(stoppingToken);
        }
        else
        {
            await PollAsync(stoppingToken);
        }
    }

    private TimeSpan CheckInterval => TimeSpan.FromSeconds(Math.Max(0.2, options.Value.CheckSeconds));

    private async Task PollAsync(CancellationToken stoppingToken)
    {
        var everything = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await CheckVersionsAsync(everything, stoppingToken);
                everything = false;
                _listening.TrySetResult();
                await Task.Delay(CheckInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Cluster version check failed; retrying");
                await Delay(TimeSpan.FromSeconds(Math.Max(0.2, options.Value.ReconnectSeconds)), stoppingToken);
            }
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        // Its own connection outside the pool: a LISTEN belongs to one session for its whole life.
        var connectionString = new NpgsqlConnectionStringBuilder(settings.ConnectionString)
        {
            Pooling = false,
            KeepAlive = 10,
            ApplicationName = "infoportal-cluster-listener",
        }.ConnectionString;
        var received = new ConcurrentQueue<string>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                connection.Notification += (_, e) => received.Enqueue(e.Payload);
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {ClusterSignalEvent.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                // Whatever was sent while this connection did not exist is lost: treat every topic as changed.
                await CheckVersionsAsync(everything: true, stoppingToken);
                _listening.TrySetResult();
                var nextCheck = DateTime.UtcNow + CheckInterval;
                while (!stoppingToken.IsCancellationRequested)
                {
                    var wait = nextCheck - DateTime.UtcNow;
                    if (wait > TimeSpan.Zero)
                    {
                        await connection.WaitAsync(wait, stoppingToken);
                    }

                    while (received.TryDequeue(out var payload))
                    {
                        if (ClusterSignalEvent.Parse(payload) is { } signal)
                        {
                            await dispatcher.DispatchAsync(signal, stoppingToken);
                        }
                        else
                        {
                            logger.LogWarning("Ignored a malformed cluster notification: {Payload}", payload);
                        }
                    }

                    if (DateTime.UtcNow >= nextCheck)
                    {
                        await CheckVersionsAsync(everything: false, stoppingToken);
                        nextCheck = DateTime.UtcNow + CheckInterval;
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Cluster LISTEN connection lost; reconnecting");
                await Delay(TimeSpan.FromSeconds(Math.Max(0.2, options.Value.ReconnectSeconds)), stoppingToken);
            }
        }
    }

    /// <summary>Handles every topic whose version moved past what this instance handled (all of them when <paramref name="everything"/>).</summary>
    private async Task CheckVersionsAsync(bool everything, CancellationToken cancellationToken)
    {
        List<ClusterVersion> versions;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            versions = await db.ClusterVersions.AsNoTracking().ToListAsync(cancellationToken);
        }

        foreach (var version in versions.Where(v => everything || v.Version > dispatcher.HandledVersion(v.Topic)))
        {
            await dispatcher.DispatchAsync(new ClusterSignalEvent(version.Topic, version.Version, null), cancellationToken);
        }
    }

    private static async Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
