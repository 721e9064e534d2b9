using InfoPortal.Features.Monitoring;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace InfoPortal.Tests.Features.Monitoring;

/// <summary>The built-in daily timer: the agency's time zone decides the day; a missing day is caught up once.</summary>
public sealed class MonitoringWorkerTests
{
    [Theory]
    [InlineData("2026-11-26T17:59:00Z", "2026-11-26")] // 01:59 on the 27th in Shanghai: the 27th's run is not due yet
    [InlineData("2026-11-26T18:00:00Z", "2026-11-27")] // 02:00 in Shanghai, while it is still the 26th in UTC
    [InlineData("2026-11-27T10:00:00Z", "2026-11-27")]
    public void DueDay_FollowsJobsTimeZone_NotUtc(string utcNow, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Jobs:TimeZone"] = "Asia/Shanghai" }).Build();
        var clock = new JobClock(configuration, new FakeTimeProvider(DateTimeOffset.Parse(utcNow, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), clock.DueDay(new TimeOnly(2, 0)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Worker_AtStartUp_CatchesUpTheMissingDay_Once(string provider)
    {
        // Due at 00:00 local, so today's run is due whenever the test runs.
        await using var app = await PortalFactory.CreateAsync(provider, f => f.With("Monitoring:DailyAt", "00:00"));
        _ = app.Services; // starts the host and its timer
        var today = app.Services.GetRequiredService<JobClock>().Today;

        MonitoringRun? caught = null;
        for (var i = 0; i < 300 && caught?.Outcome != MonitoringOutcome.Succeeded; i++)
        {
            await Task.Delay(100);
            await using var db = app.CreateDbContext();
            caught = await db.MonitoringRuns.AsNoTracking().SingleOrDefaultAsync(r => r.Day == today);
        }

        Assert.NotNull(caught);
        Assert.Equal(MonitoringOutcome.Succeeded, caught.Outcome);
        Assert.Equal(DailyMonitoringJob.Scheduler, caught.TriggeredBy);

        // Another tick the same day runs nothing: the record is the same one, untouched.
        using (var scope = app.Services.CreateScope())
        {
            Assert.Equal(0, await DailyMonitoringWorker.RunIfDueAsync(scope.ServiceProvider, CancellationToken.None));
        }

        await using (var db = app.CreateDbContext())
        {
            var runs = await db.MonitoringRuns.AsNoTracking().Where(r => r.Day == today).ToListAsync();
            Assert.Equal(caught.StartedAt, Assert.Single(runs).StartedAt);

            // A day whose run failed (or is missing) is run again by the next tick, once.
            await db.MonitoringRuns.Where(r => r.Day == today).ExecuteUpdateAsync(s => s.SetProperty(r => r.Outcome, MonitoringOutcome.Failed));
        }

        using (var scope = app.Services.CreateScope())
        {
            Assert.Equal(1, await DailyMonitoringWorker.RunIfDueAsync(scope.ServiceProvider, CancellationToken.None));
            Assert.Equal(0, await DailyMonitoringWorker.RunIfDueAsync(scope.ServiceProvider, CancellationToken.None));
        }

        await using (var db = app.CreateDbContext())
        {
            Assert.Equal(MonitoringOutcome.Succeeded, (await db.MonitoringRuns.SingleAsync(r => r.Day == today)).Outcome);
        }
    }
}
