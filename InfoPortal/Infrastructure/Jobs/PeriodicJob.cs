namespace InfoPortal.Infrastructure.Jobs;

/// <summary>
/// A periodic job: a thin class that names itself, says how long its period is and which period a
/// run at a given local time is for, and does its work in <see cref="RunAsync"/>. The work must be
/// idempotent per period (a rerun replaces its result) and keep its state in our tables; the
/// <see cref="JobRunner"/> records runs, leases and completed periods around it.
/// Register with <c>services.AddPeriodicJob&lt;T&gt;()</c>; the schedule comes from
/// <c>Jobs:&lt;Name&gt;:Cron</c> (else <see cref="DefaultCron"/>).
/// </summary>
public abstract class PeriodicJob
{
    /// <summary>Stable id: the Hangfire recurring-job id, the configuration section and the key in our tables.</summary>
    public abstract string Name { get; }

    public abstract PeriodKind Kind { get; }

    /// <summary>Cron in Jobs:TimeZone, used when Jobs:&lt;Name&gt;:Cron is not set.</summary>
    public abstract string DefaultCron { get; }

    /// <summary>
    /// Which period a run at <paramref name="local"/> works on. Default: the period before the one
    /// that contains it (monthly statistics at 01:00 on the 1st → the previous month).
    /// </summary>
    public virtual JobPeriod PeriodAt(DateTime local) => JobPeriod.Containing(Kind, local).Add(-1);

    /// <summary>
    /// How many past periods the start-up catch-up may run (0: none). Null: the Jobs:CatchUp
    /// default for the kind. Sweep jobs (minute) and jobs that only make sense "now" return 0 or 1.
    /// </summary>
    public virtual int? CatchUpPeriods => null;

    /// <summary>Sweep jobs (every minute) keep no period rows and record only runs that did something.</summary>
    public virtual bool IsSweep => Kind == PeriodKind.Minute;

    public abstract Task<JobResult> RunAsync(JobPeriod period, CancellationToken cancellationToken);
}

/// <summary>What a run did: a count and a one-line summary for the run record; Skipped when there was nothing to do by design.</summary>
public sealed record JobResult(int Count, string? Summary = null, bool Skipped = false)
{
    public static JobResult Done(int count, string? summary = null) => new(count, summary);

    public static JobResult Skip(string reason) => new(0, reason, Skipped: true);
}

/// <summary>Settings under <c>Jobs</c>.</summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    /// <summary>IANA or Windows id; cron expressions and periods are in this zone.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>Start the Hangfire server and register the recurring jobs (tests turn it off).</summary>
    public bool RunServer { get; set; } = true;

    /// <summary>Run missed periods once at start-up.</summary>
    public bool CatchUpAtStart { get; set; } = true;

    public int WorkerCount { get; set; } = 2;

    /// <summary>How often the Hangfire server looks at its schedule, its recurring jobs and (on PostgreSQL) an idle queue.</summary>
    public int PollingSeconds { get; set; } = 15;

    /// <summary>
    /// How long a run's lease lasts without a heartbeat (renewed every third of it while the run
    /// lives): a run killed mid-way is taken over by another instance about this long after.
    /// </summary>
    public int LeaseSeconds { get; set; } = 45;

    /// <summary>How often every instance looks for expired leases to take over.</summary>
    public int TakeoverCheckSeconds { get; set; } = 15;

    /// <summary>Run records older than this are deleted.</summary>
    public int RunRetentionDays { get; set; } = 180;

    public CatchUpLimits CatchUp { get; set; } = new();

    public sealed class CatchUpLimits
    {
        public int Day { get; set; } = 7;

        public int Month { get; set; } = 12;

        public int Quarter { get; set; } = 8;

        public int Year { get; set; } = 2;

        public int For(PeriodKind kind) => kind switch
        {
            PeriodKind.Day => Day,
            PeriodKind.Month => Month,
            PeriodKind.Quarter => Quarter,
            PeriodKind.Year => Year,
            _ => 0,
        };
    }
}

/// <summary>
/// A daily job that works on the day it runs in (reminders, rescans, notices): the start-up catch-up
/// only runs today's if it is missing, since replaying past days would send old reminders again.
/// </summary>
public abstract class DailyJob : PeriodicJob
{
    public sealed override PeriodKind Kind => PeriodKind.Day;

    public override JobPeriod PeriodAt(DateTime local) => JobPeriod.Containing(Kind, local);

    public override int? CatchUpPeriods => 1;
}
