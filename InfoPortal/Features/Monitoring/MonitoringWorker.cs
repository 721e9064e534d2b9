using System.Globalization;
using InfoPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InfoPortal.Features.Monitoring;

/// <summary>Monitoring options (<c>Monitoring</c>).</summary>
public sealed class MonitoringOptions
{
    public const string Section = "Monitoring";

    /// <summary>Published items per batch of the rescan.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>A run still "running" after this long has died; another run may take the day over.</summary>
    public int StaleRunMinutes { get; set; } = 120;

    /// <summary>Alerts are raised for blocking hits; true raises them for warnings (personal data) too.</summary>
    public bool AlertOnWarnings { get; set; }

    /// <summary>Up to this many new alerts are notified one by one, more as one summary.</summary>
    public int NotifyEachUpTo { get; set; } = 10;
}

/// <summary>
/// The agency's day for periodic jobs: <c>Jobs:TimeZone</c> (an IANA id, default Asia/Shanghai)
/// decides which date "today" is, whatever the server's own time zone.
/// </summary>
public sealed class JobClock(IConfiguration configuration, TimeProvider clock)
{
    public const string DefaultTimeZone = "Asia/Shanghai";

    public TimeZoneInfo Zone { get; } = Infrastructure.Jobs.JobRunner.FindZone(configuration["Jobs:TimeZone"] ?? DefaultTimeZone);

    public DateTime LocalNow => TimeZoneInfo.ConvertTime(clock.GetUtcNow(), Zone).DateTime;

    public DateOnly Today => DateOnly.FromDateTime(LocalNow);
}

/// <summary>
/// The daily rescan as a periodic job (Hangfire's cron <c>Jobs:daily-monitoring:Cron</c>, default
/// 02:00 in Jobs:TimeZone): a run works on the day it starts in, and the start-up catch-up runs
/// today's if it is missing. The job's own day row makes a rerun replace, never duplicate.
/// </summary>
public sealed class DailyMonitoringPeriodicJob(DailyMonitoringJob job) : Infrastructure.Jobs.DailyJob
{
    public override string Name => "daily-monitoring";

    public override string DefaultCron => "0 2 * * *";

    public override async Task<Infrastructure.Jobs.JobResult> RunAsync(Infrastructure.Jobs.JobPeriod period, CancellationToken cancellationToken)
    {
        var result = await job.RunAsync(period.FirstDay, cancellationToken);
        return result.AlreadyRunning
            ? Infrastructure.Jobs.JobResult.Skip("already running")
            : Infrastructure.Jobs.JobResult.Done(result.Run.ItemsChecked, $"{result.Run.ItemsChecked} checked, {result.Raised.Count} new alert(s)");
    }
}
