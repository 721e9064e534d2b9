using InfoPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InfoPortal.Infrastructure.Jobs;

/// <summary>
/// At start-up: for each job, the periods that should have run while the portal was down — from
/// the period due now back a bounded number (Jobs:CatchUp:Day/Month/Quarter/Year, or the job's
/// own limit) — that have no completion row are run once each, oldest first. Sweep jobs are not
/// caught up: their next tick does the work.
/// </summary>
public sealed class JobCatchUp(JobRunner runner, IDbContextFactory<PortalDbContext> dbFactory, IOptions<JobsOptions> options, ILogger<JobCatchUp> logger)
{
    /// <summary>The periods that would run now, per job, oldest first.</summary>
    public async Task<IReadOnlyList<(string Job, JobPeriod Period)>> MissingAsync(CancellationToken cancellationToken = default)
    {
        var local = runner.LocalNow;
        var missing = new List<(string, JobPeriod)>();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        foreach (var job in runner.Jobs().Where(j => !j.IsSweep))
        {
            var limit = job.CatchUpPeriods ?? options.Value.CatchUp.For(job.Kind);
            if (limit <= 0)
            {
                continue;
            }

            var due = DuePeriod(job.Name, local);
            var periods = Enumerable.Range(0, limit).Select(i => due.Add(-(limit - 1 - i))).ToList();
            var keys = periods.Select(p => p.Key).ToList();
            var done = await db.JobPeriods.Where(p => p.JobName == job.Name && keys.Contains(p.PeriodKey)).Select(p => p.PeriodKey).ToListAsync(cancellationToken);
            missing.AddRange(periods.Where(p => !done.Contains(p.Key)).Select(p => (job.Name, p)));
        }

        return missing;
    }

    /// <summary>Runs every missing period once, in order; returns how many runs it made.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        var runs = 0;
        foreach (var (job, period) in await MissingAsync(cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = await runner.RunAsync(job, period, JobRunner.CatchUpTrigger, cancellationToken);
            logger.LogInformation("Catch-up: {Job} for {Period}: {Outcome}", job, period.Key, result.Outcome);
            runs++;
        }

        return runs;
    }

    private JobPeriod DuePeriod(string jobName, DateTime local)
    {
        using var scope = runner.CreateJobScope(jobName, out var job);
        return job.PeriodAt(local);
    }
}
