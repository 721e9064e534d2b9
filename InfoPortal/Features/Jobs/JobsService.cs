using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Audit;
using InfoPortal.Infrastructure;
using InfoPortal.Infrastructure.Jobs;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Features.Jobs;

/// <summary>The jobs page's service: SystemAdmin and Assessor read; only SystemAdmin runs a period by hand (audited).</summary>
public sealed class JobsService(IDbContextFactory<PortalDbContext> dbFactory, JobRunner runner, AuditLog audit)
{
    public async Task<JobsOverview> OverviewAsync(Actor actor, int runs = 50, CancellationToken cancellationToken = default)
    {
        if (!actor.Has(Permissions.Jobs.View))
        {
            throw new ForbiddenException("Jobs.Forbidden");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var jobs = runner.Jobs();
        var periods = await db.JobPeriods.AsNoTracking()
            .GroupBy(p => p.JobName)
            .Select(g => new { Job = g.Key, Periods = g.Count(), Last = g.Max(p => p.PeriodKey) })
            .ToListAsync(cancellationToken);
        var recent = await db.JobRuns.AsNoTracking().OrderByDescending(r => r.Id).Take(Math.Clamp(runs, 1, 500)).ToListAsync(cancellationToken);
        var rows = jobs.Select(j =>
        {
            var p = periods.FirstOrDefault(x => x.Job == j.Name);
            return new JobStatus(j.Name, j.Kind, j.IsSweep, p?.Periods ?? 0, p?.Last, runner.CurrentPeriod(j.Name).Key);
        }).ToList();
        return new JobsOverview(rows, recent);
    }

    /// <summary>Runs a job for a period now (replacing that period's result).</summary>
    public async Task<JobRunResult> RunNowAsync(Actor actor, string jobName, string periodKey, CancellationToken cancellationToken = default)
    {
        if (!actor.Has(Permissions.Jobs.Run))
        {
            await audit.AppendAsync(actor, "JobRunManual", $"job:{jobName}", AuditOutcome.Refused, periodKey, cancellationToken);
            throw new ForbiddenException("Jobs.Forbidden");
        }

        var job = runner.Jobs().FirstOrDefault(j => j.Name == jobName) ?? throw new NotFoundException("Jobs.NotFound");
        if (!JobPeriod.TryParse(job.Kind, periodKey, out var period))
        {
            throw ValidationFailedException.For("period", "Jobs.PeriodInvalid");
        }

        // Who asked is on record before the job changes anything (the job commits in the runner's
        // own transactions, one per period, ADR 0006): the request first, then its outcome. Neither
        // write takes the caller's token, so a closed tab or a crash mid-run leaves the request on record.
        await audit.AppendAsync(actor, "JobRunRequested", $"job:{jobName}", AuditOutcome.Success, period.Key, CancellationToken.None);
        var result = await runner.RunAsync(job.Name, period, $"Manual:{actor.UserName}", cancellationToken);
        await audit.AppendAsync(actor, "JobRunManual", $"job:{jobName}", result.Outcome == JobOutcome.Failed ? AuditOutcome.Failure : AuditOutcome.Success,
            $"{period.Key}: {result.Outcome} {result.Count} {result.Summary}", CancellationToken.None);
        return result;
    }
}

public sealed record JobStatus(string Name, PeriodKind Kind, bool IsSweep, int CompletedPeriods, string? LastCompleted, string DueNow);

public sealed record JobsOverview(IReadOnlyList<JobStatus> Jobs, IReadOnlyList<JobRun> Runs);
