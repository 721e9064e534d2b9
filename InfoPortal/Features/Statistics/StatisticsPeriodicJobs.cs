using InfoPortal.Infrastructure.Jobs;

namespace InfoPortal.Features.Statistics;

// The three periodic records as scheduled jobs. Each runs for the period before the one it starts
// in (PeriodicJob's default), and each job's own write replaces that period's result, so a rerun or
// a start-up catch-up never adds a second one (ADR 0006, ADR 0014).

/// <summary>Monthly statistics: 01:00 on the 1st, for the previous month.</summary>
public sealed class MonthlyStatisticsPeriodicJob(MonthlyStatisticsJob job) : PeriodicJob
{
    public override string Name => "statistics-monthly";

    public override PeriodKind Kind => PeriodKind.Month;

    public override string DefaultCron => "0 1 1 * *";

    public override async Task<JobResult> RunAsync(JobPeriod period, CancellationToken cancellationToken)
    {
        var result = await job.RunAsync(period.Start.Year, period.Start.Month, cancellationToken);
        return JobResult.Done(result.Rows, $"{result.Rows} row(s), {result.StepRows} step row(s)");
    }
}

/// <summary>Quarterly bulletin (通报): 02:00 on the first day of a quarter, for the previous quarter.</summary>
public sealed class QuarterlyBulletinPeriodicJob(QuarterlyBulletinJob job) : PeriodicJob
{
    public override string Name => "statistics-quarterly-bulletin";

    public override PeriodKind Kind => PeriodKind.Quarter;

    public override string DefaultCron => "0 2 1 1,4,7,10 *";

    /// <summary>Only the latest quarter: each bulletin drafts a request into the review chain, so a long outage must not flood it.</summary>
    public override int? CatchUpPeriods => 1;

    public override async Task<JobResult> RunAsync(JobPeriod period, CancellationToken cancellationToken)
    {
        var report = await job.RunAsync(period.Start.Year, ((period.Start.Month - 1) / 3) + 1, cancellationToken);
        return JobResult.Done(report.Departments.Count, $"{report.Departments.Count} department(s)");
    }
}

/// <summary>Annual assessment draft (考核评比): 03:00 on 2 January, for the previous year; adjustments are kept on rerun.</summary>
public sealed class AnnualAssessmentPeriodicJob(AnnualAssessmentJob job) : PeriodicJob
{
    public override string Name => "statistics-annual-assessment";

    public override PeriodKind Kind => PeriodKind.Year;

    public override string DefaultCron => "0 3 2 1 *";

    public override int? CatchUpPeriods => 1;

    public override async Task<JobResult> RunAsync(JobPeriod period, CancellationToken cancellationToken) =>
        JobResult.Done(await job.RunAsync(period.Start.Year, cancellationToken));
}
