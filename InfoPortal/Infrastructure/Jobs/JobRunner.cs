using InfoPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InfoPortal.Infrastructure.Jobs;

/// <summary>
/// Runs a job for one period and records it: takes the (job, period) lease, writes a JobRun,
/// calls the job in its own DI scope, then records the outcome and — on success — the completed
/// period (replacing an earlier completion of the same period). The lease lasts Jobs:LeaseSeconds
/// and a heartbeat renews it while the run lives; a lease left behind by a killed run expires, and
/// <see cref="JobTakeover"/> (or the next run) takes it over and marks the stale run Failed.
/// </summary>
public sealed class JobRunner(
    IServiceScopeFactory scopes,
    IDbContextFactory<PortalDbContext> dbFactory,
    IOptions<JobsOptions> options,
    TimeProvider clock,
    ILogger<JobRunner> logger)
{
    public const string ScheduleTrigger = "Schedule";
    public const string CatchUpTrigger = "CatchUp";
    public const string TakeoverTrigger = "Takeover";

    /// <summary>This process's id in lease rows (several app instances may share one database).</summary>
    private readonly string _holderPrefix = $"{Environment.MachineName}:{Environment.ProcessId}:";

    public TimeZoneInfo TimeZone { get; } = FindZone(options.Value.TimeZone);

    public DateTime LocalNow => TimeZoneInfo.ConvertTime(clock.GetUtcNow(), TimeZone).DateTime;

    public static TimeZoneInfo FindZone(string id) => TimeZoneInfo.FindSystemTimeZoneById(string.IsNullOrWhiteSpace(id) ? "Asia/Shanghai" : id);

    /// <summary>The registered jobs (new instances from a throw-away scope; they are thin).</summary>
    public IReadOnlyList<JobInfo> Jobs()
    {
        using var scope = scopes.CreateScope();
        return [.. scope.ServiceProvider.GetServices<PeriodicJob>().Select(j => new JobInfo(j.Name, j.Kind, j.DefaultCron, j.IsSweep, j.CatchUpPeriods))];
    }

    /// <summary>A scope with the job resolved in it (for its metadata or its period rule).</summary>
    public IServiceScope CreateJobScope(string jobName, out PeriodicJob job)
    {
        var scope = scopes.CreateScope();
        job = scope.ServiceProvider.GetServices<PeriodicJob>().SingleOrDefault(j => j.Name == jobName)
            ?? throw new InvalidOperationException($"No job named {jobName}.");
        return scope;
    }

    /// <summary>The period a run now would be for.</summary>
    public JobPeriod CurrentPeriod(string jobName)
    {
        using (CreateJobScope(jobName, out var job))
        {
            return job.PeriodAt(LocalNow);
        }
    }

    /// <summary>Runs the job for the period a run now is due for (what the recurring Hangfire job calls).</summary>
    public async Task<JobRunResult> RunDueAsync(string jobName, string trigger, CancellationToken cancellationToken = default)
    {
        JobPeriod period;
        using (CreateJobScope(jobName, out var job))
        {
            period = job.PeriodAt(LocalNow);
        }

        return await RunAsync(jobName, period, trigger, cancellationToken);
    }

    /// <summary>Runs the job for <paramref name="period"/>; Skipped (not run) when another run holds the period.</summary>
    public async Task<JobRunResult> RunAsync(string jobName, JobPeriod period, string trigger, CancellationToken cancellationToken = default)
    {
        var holder = _holderPrefix + Guid.NewGuid().ToString("N")[..12];
        var key = period.Key;
        if (!await TryAcquireLeaseAsync(jobName, key, holder, cancellationToken))
        {
            logger.LogInformation("Job {Job} for {Period} is already running elsewhere; this run is skipped", jobName, key);
            return new JobRunResult(null, JobOutcome.Skipped, 0, "already running", null);
        }

        // The lease is short and renewed while the run lives (issue 13 item 5): a holder killed
        // mid-run stops renewing, and another instance takes the period over within a minute.
        using var heartbeatStop = new CancellationTokenSource();
        var heartbeat = HeartbeatAsync(jobName, key, holder, heartbeatStop.Token);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var job = scope.ServiceProvider.GetServices<PeriodicJob>().Single(j => j.Name == jobName);
            var run = new JobRun { JobName = jobName, PeriodKey = key, Trigger = Truncate(trigger, 128)!, StartedAt = clock.GetUtcNow(), Outcome = JobOutcome.Running };
            if (!job.IsSweep)
            {
                await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
                db.JobRuns.Add(run);
                await db.SaveChangesAsync(cancellationToken);
            }

            JobResult? result = null;
            Exception? error = null;
            try
            {
                result = await job.RunAsync(period, cancellationToken);
            }
            catch (Exception ex)
            {
                error = ex;
                logger.LogError(ex, "Job {Job} for {Period} failed", jobName, key);
            }

            run.FinishedAt = clock.GetUtcNow();
            run.Outcome = error is not null ? JobOutcome.Failed : result!.Skipped ? JobOutcome.Skipped : JobOutcome.Succeeded;
            run.Count = result?.Count ?? 0;
            run.Summary = Truncate(result?.Summary, 1000);
            run.Error = error is null ? null : Truncate(error is OperationCanceledException ? "cancelled" : $"{error.GetType().Name}: {error.Message}", 2000);

            // The record is written even when the caller's token was cancelled: a stopped run says so.
            if (!job.IsSweep || run.Count > 0 || error is not null)
            {
                await RecordAsync(run, job.IsSweep, CancellationToken.None);
            }

            return new JobRunResult(run.Id == 0 ? null : run.Id, run.Outcome, run.Count, run.Summary, run.Error);
        }
        finally
        {
            await heartbeatStop.CancelAsync();
            await heartbeat;
            await ReleaseLeaseAsync(jobName, key, holder);
        }
    }

    /// <summary>How long a lease lasts without a heartbeat.</summary>
    internal TimeSpan LeaseDuration => TimeSpan.FromSeconds(Math.Max(5, options.Value.LeaseSeconds));

    /// <summary>Extends the lease every third of its length while the run lives.</summary>
    private async Task HeartbeatAsync(string jobName, string periodKey, string holder, CancellationToken stop)
    {
        var interval = LeaseDuration / 3;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, clock, stop);
                await using var db = await dbFactory.CreateDbContextAsync(stop);
                var expires = clock.GetUtcNow() + LeaseDuration;
                var renewed = await db.JobLeases
                    .Where(l => l.JobName == jobName && l.PeriodKey == periodKey && l.Holder == holder)
                    .ExecuteUpdateAsync(u => u.SetProperty(l => l.ExpiresAt, expires), stop);
                if (renewed == 0)
                {
                    logger.LogWarning("Job {Job} for {Period}: the lease was taken over while this run was stalled", jobName, periodKey);
                }
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                // The run ended (or the host is stopping): the lease is released by the caller.
                return;
            }
            catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException or TimeoutException)
            {
                // The database is briefly away: try again at the next beat, the lease still has two thirds to live.
                logger.LogWarning(ex, "Job {Job} for {Period}: lease heartbeat failed", jobName, periodKey);
            }
        }
    }

    /// <summary>
    /// Runs again every period whose lease expired (its holder died without releasing it): the
    /// takeover the <see cref="JobTakeover"/> service does every few seconds. Returns the results.
    /// </summary>
    public async Task<IReadOnlyList<JobRunResult>> TakeOverExpiredAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        List<(string JobName, string PeriodKey)> expired;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            expired = [.. (await db.JobLeases.AsNoTracking().Where(l => l.ExpiresAt < now).Select(l => new { l.JobName, l.PeriodKey }).ToListAsync(cancellationToken))
                .Select(l => (l.JobName, l.PeriodKey))];
        }

        var results = new List<JobRunResult>();
        var known = Jobs().ToDictionary(j => j.Name, StringComparer.Ordinal);
        foreach (var (jobName, periodKey) in expired)
        {
            if (!known.TryGetValue(jobName, out var info) || !JobPeriod.TryParse(info.Kind, periodKey, out var period))
            {
                continue;
            }

            logger.LogWarning("Job {Job} for {Period}: its holder stopped renewing the lease; taking the period over", jobName, periodKey);
            results.Add(await RunAsync(jobName, period, TakeoverTrigger, cancellationToken));
        }

        return results;
    }

    private async Task RecordAsync(JobRun run, bool sweep, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (run.Id == 0)
        {
            db.JobRuns.Add(run);
        }
        else
        {
            db.JobRuns.Update(run);
        }

        await db.SaveChangesAsync(cancellationToken);
        if (!sweep && run.Outcome is JobOutcome.Succeeded or JobOutcome.Skipped)
        {
            // One row per (job, period): a rerun replaces the completion, never adds a second.
            // A job that skips by design (backup on PostgreSQL) has handled its period too.
            var period = await db.JobPeriods.SingleOrDefaultAsync(p => p.JobName == run.JobName && p.PeriodKey == run.PeriodKey, cancellationToken);
            if (period is null)
            {
                period = new JobPeriodRecord { JobName = run.JobName, PeriodKey = run.PeriodKey };
                db.JobPeriods.Add(period);
            }

            period.CompletedAt = run.FinishedAt!.Value;
            period.LastRunId = run.Id;
            period.Count = run.Count;
            period.Summary = run.Summary;
            await db.SaveChangesAsync(cancellationToken);
        }

        var retentionDays = options.Value.RunRetentionDays;
        if (retentionDays > 0)
        {
            var before = clock.GetUtcNow().AddDays(-retentionDays);
            await db.JobRuns.Where(r => r.StartedAt < before && r.Outcome != JobOutcome.Running).ExecuteDeleteAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Insert the lease row; if it exists, take it over only when it has expired (one atomic UPDATE).</summary>
    internal async Task<bool> TryAcquireLeaseAsync(string jobName, string periodKey, string holder, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var expires = now + LeaseDuration;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var exists = await db.JobLeases.AnyAsync(l => l.JobName == jobName && l.PeriodKey == periodKey, cancellationToken);
        if (!exists)
        {
            db.JobLeases.Add(new JobLease { JobName = jobName, PeriodKey = periodKey, Holder = holder, ExpiresAt = expires });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return true;
            }
            catch (DbUpdateException)
            {
                // Someone inserted it between our look and our insert: theirs.
                return false;
            }
        }

        var taken = await db.JobLeases
            .Where(l => l.JobName == jobName && l.PeriodKey == periodKey && l.ExpiresAt < now)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Holder, holder).SetProperty(l => l.ExpiresAt, expires), cancellationToken);
        if (taken == 1)
        {
            // The previous holder died mid-run: its run record never finished.
            var stale = await db.JobRuns
                .Where(r => r.JobName == jobName && r.PeriodKey == periodKey && r.Outcome == JobOutcome.Running)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Outcome, JobOutcome.Failed).SetProperty(r => r.FinishedAt, now).SetProperty(r => r.Error, "interrupted (lease expired)"), cancellationToken);
            logger.LogWarning("Job {Job} for {Period}: took over an expired lease ({Stale} interrupted run(s))", jobName, periodKey, stale);
        }

        return taken == 1;
    }

    private async Task ReleaseLeaseAsync(string jobName, string periodKey, string holder)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            await db.JobLeases.Where(l => l.JobName == jobName && l.PeriodKey == periodKey && l.Holder == holder).ExecuteDeleteAsync();
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
        {
            // The lease expires by itself.
            logger.LogWarning(ex, "Could not release the lease of {Job} for {Period}", jobName, periodKey);
        }
    }

    private static string? Truncate(string? text, int max) => text is null || text.Length <= max ? text : text[..max];
}

public sealed record JobInfo(string Name, PeriodKind Kind, string DefaultCron, bool IsSweep, int? CatchUpPeriods);

public sealed record JobRunResult(long? RunId, JobOutcome Outcome, int Count, string? Summary, string? Error);
