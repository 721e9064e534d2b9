namespace InfoPortal.Infrastructure.Jobs;

/// <summary>
/// Runs one piece of work on a timer, each run in its own DI scope; a failed run is logged and the
/// next tick tries again. The work keeps its state in our tables, so a restart or a second run
/// changes nothing (the Hangfire issue will drive the same methods).
/// </summary>
public abstract class PeriodicWorker(IServiceScopeFactory scopes, ILogger logger, TimeSpan interval, bool runAtStart) : BackgroundService
{
    /// <summary>Does one run; returns how many items it handled (for the log).</summary>
    protected abstract Task<int> RunOnceAsync(IServiceProvider services, CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval);
        if (!runAtStart && !await timer.WaitForNextTickAsync(stoppingToken))
        {
            return;
        }

        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var count = await RunOnceAsync(scope.ServiceProvider, stoppingToken);
                if (count > 0)
                {
                    logger.LogInformation("{Worker} handled {Count} item(s)", GetType().Name, count);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "{Worker} failed; it runs again at the next tick", GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
