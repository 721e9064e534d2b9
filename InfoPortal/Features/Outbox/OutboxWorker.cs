using InfoPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InfoPortal.Features.Outbox;

/// <summary>Outbox settings (<c>Outbox</c>).</summary>
public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>How often an idle worker looks for due messages.</summary>
    public double PollSeconds { get; set; } = 2;

    /// <summary>The first retry waits this long; each further failure doubles it, up to <see cref="MaxBackoffSeconds"/>.</summary>
    public double BackoffSeconds { get; set; } = 10;

    public double MaxBackoffSeconds { get; set; } = 3600;

    /// <summary>How long a claimed message is reserved for the worker that claimed it.</summary>
    public double LeaseSeconds { get; set; } = 120;
}

/// <summary>
/// Drains <see cref="OutboxMessage"/>s on every instance: claims a due row with a lease (a
/// conditional UPDATE, so two workers never both win it), hands it to its handler, marks it
/// processed; a failure is written down and retried later with exponential back-off, for ever.
/// </summary>
public sealed class OutboxWorker(
    IDbContextFactory<PortalDbContext> dbFactory,
    IEnumerable<IOutboxHandler> handlers,
    IOptions<OutboxOptions> options,
    TimeProvider clock,
    ILogger<OutboxWorker> logger) : BackgroundService
{
    private readonly string _owner = $"{Environment.ProcessId}:{Guid.NewGuid():N}:{Environment.MachineName}" is var o && o.Length > 128 ? o[..128] : o;
    private readonly Dictionary<string, IOutboxHandler> _handlers = handlers.ToDictionary(h => h.Kind, StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await DrainOnceAsync(stoppingToken) > 0)
                {
                    continue;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The database may be briefly away; the rows wait for the next round.
                logger.LogWarning(ex, "The outbox worker could not read its queue");
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(options.Value.PollSeconds), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Handles the messages that are due now; returns how many it claimed.</summary>
    public async Task<int> DrainOnceAsync(CancellationToken cancellationToken = default)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        List<long> due;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            due = await db.OutboxMessages.AsNoTracking()
                .Where(m => m.ProcessedAt == null && m.NextAttemptAt <= now && (m.LeaseUntil == null || m.LeaseUntil < now))
                .OrderBy(m => m.Id).Select(m => m.Id).Take(20).ToListAsync(cancellationToken);
        }

        var claimed = 0;
        foreach (var id in due)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var leaseUntil = now.AddSeconds(o.LeaseSeconds);
            var won = await db.OutboxMessages
                .Where(m => m.Id == id && m.ProcessedAt == null && (m.LeaseUntil == null || m.LeaseUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.LeaseUntil, leaseUntil).SetProperty(m => m.LeaseOwner, _owner), cancellationToken);
            if (won == 0)
            {
                continue; // Another instance took it.
            }

            claimed++;
            var message = await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == id, cancellationToken);
            string? error = null;
            try
            {
                if (!_handlers.TryGetValue(message.Kind, out var handler))
                {
                    throw new InvalidOperationException($"No outbox handler for kind '{message.Kind}'.");
                }

                await handler.HandleAsync(message.Payload, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                error = ex.GetType().Name + ": " + ex.Message;
                logger.LogWarning(ex, "Outbox message {Id} ({Kind}) failed on attempt {Attempt}", id, message.Kind, message.Attempts + 1);
            }

            var finished = clock.GetUtcNow();
            if (error is null)
            {
                await db.OutboxMessages.Where(m => m.Id == id).ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.ProcessedAt, finished).SetProperty(m => m.Attempts, m => m.Attempts + 1)
                    .SetProperty(m => m.LeaseUntil, (DateTimeOffset?)null).SetProperty(m => m.LastError, (string?)null), CancellationToken.None);
            }
            else
            {
                var backoff = Math.Min(o.MaxBackoffSeconds, o.BackoffSeconds * Math.Pow(2, Math.Min(message.Attempts, 20)));
                var next = finished.AddSeconds(backoff);
                var text = error.Length > 2000 ? error[..2000] : error;
                await db.OutboxMessages.Where(m => m.Id == id).ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.Attempts, m => m.Attempts + 1).SetProperty(m => m.NextAttemptAt, next)
                    .SetProperty(m => m.LeaseUntil, (DateTimeOffset?)null).SetProperty(m => m.LastError, text), CancellationToken.None);
            }
        }

        return claimed;
    }
}

public static class OutboxModule
{
    public static IServiceCollection AddOutbox(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<OutboxOptions>(configuration.GetSection(OutboxOptions.Section));
        services.AddSingleton<OutboxWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxWorker>());
        return services;
    }
}
