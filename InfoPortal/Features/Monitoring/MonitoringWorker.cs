using System.Globalization;
using InfoPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InfoPortal.Features.Monitoring;

/// <summary>Monitoring options (<c>Monitoring</c>).</summary>
public sealed class MonitoringOptions
{
    public const string Section = "Monitoring";

    /// <summary>Local time of day (Jobs:TimeZone) the daily rescan runs, "HH:mm".</summary>
    public string DailyAt { get; set; } = "02:00";

    /// <summary>False turns the built-in timer off (tests; or when Hangfire drives the job).</summary>
    public bool WorkerEnabled { get; set; } = true;

    /// <summary>How often the timer looks whether the day's run is due.</summary>
    public int CheckIntervalSeconds { get; set; } = 60;

    /// <summary>Published items per batch of the rescan.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>A run still "running" after this long has died; another run may take the day over.</summary>
    public int StaleRunMinutes { get; set; } = 120;

    /// <summary>Alerts are raised for blocking hits; true raises them for warnings (personal data) too.</summary>
    public bool AlertOnWarnings { get; set; }

    /// <summary>Up to this many new alerts are notified one by one, more as one summary.</summary>
    public int NotifyEachUpTo { get; set; } = 10;

    public TimeOnly DailyTime => TimeOnly.TryParseExact(DailyAt, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? at : new TimeOnly(2, 0);
}

/// <summary>
/// The agency's day for periodic jobs: <c>Jobs:TimeZone</c> (an IANA id, default Asia/Shanghai)
/// decides which date "today" is, whatever the server's own time zone.
/// </summary>
public sealed class JobClock(IConfiguration configuration, TimeProvider clock)
{
    public const string DefaultTimeZone = "Asia/Shanghai";

    public TimeZoneInfo Zone { get; } = TimeZoneInfo.FindSystemTimeZoneById(configuration["Jobs:TimeZone"] is { Length: > 0 } id ? id : DefaultTimeZone);

    public DateTime LocalNow => TimeZoneInfo.ConvertTime(clock.GetUtcNow(), Zone).DateTime;

    public DateOnly Today => DateOnly.FromDateTime(LocalNow);

    /// <summary>The day whose run should exist by now: today once the daily time has passed, else yesterday.</summary>
    public DateOnly DueDay(TimeOnly dailyAt)
    {
        var now = LocalNow;
        var today = DateOnly.FromDateTime(now);
        return TimeOnly.FromDateTime(now) >= dailyAt ? today : today.AddDays(-1);
    }
}

/// <summary>
/// Until Hangfire drives it: looks every minute whether the due day (see <see cref="JobClock.DueDay"/>)
/// has a successful run and runs it if not. At start-up this catches up a run missed while the
/// portal was down; afterwards it runs once a day at <see cref="MonitoringOptions.DailyAt"/>.
/// </summary>
public sealed class DailyMonitoringWorker(IServiceScopeFactory scopes, IOptions<MonitoringOptions> options, ILogger<DailyMonitoringWorker> logger)
    : Infrastructure.Jobs.PeriodicWorker(scopes, logger, TimeSpan.FromSeconds(Math.Max(1, options.Value.CheckIntervalSeconds)), runAtStart: true)
{
    protected override Task<int> RunOnceAsync(IServiceProvider services, CancellationToken cancellationToken) => RunIfDueAsync(services, cancellationToken);

    /// <summary>Runs the due day's job when it has no successful run yet; returns 1 if it ran, else 0.</summary>
    public static async Task<int> RunIfDueAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var settings = services.GetRequiredService<IOptions<MonitoringOptions>>().Value;
        var day = services.GetRequiredService<JobClock>().DueDay(settings.DailyTime);
        await using (var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(cancellationToken))
        {
            var stale = services.GetRequiredService<TimeProvider>().GetUtcNow().AddMinutes(-Math.Max(1, settings.StaleRunMinutes));
            if (await db.MonitoringRuns.AnyAsync(r => r.Day == day &&
                    (r.Outcome == MonitoringOutcome.Succeeded || (r.Outcome == MonitoringOutcome.Running && r.StartedAt >= stale)), cancellationToken))
            {
                return 0;
            }
        }

        var result = await services.GetRequiredService<DailyMonitoringJob>().RunAsync(day, cancellationToken);
        return result.AlreadyRunning ? 0 : 1;
    }
}
