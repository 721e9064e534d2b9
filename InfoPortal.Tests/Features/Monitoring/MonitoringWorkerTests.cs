using InfoPortal.Features.Monitoring;
using InfoPortal.Infrastructure.Jobs;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace InfoPortal.Tests.Features.Monitoring;

/// <summary>The daily rescan as a periodic job: the agency's time zone decides the day; a missing day is caught up once.</summary>
public sealed class MonitoringWorkerTests
{
    [Fact]
    public void Today_FollowsJobsTimeZone_NotUtc()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Jobs:TimeZone"] = "Asia/Shanghai" }).Build();
        var clock = new JobClock(configuration, new FakeTimeProvider(DateTimeOffset.Parse("2026-11-26T17:00:00Z", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(new DateOnly(2026, 11, 27), clock.Today); // 01:00 on the 27th in Shanghai, still the 26th in UTC
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task CatchUpAtStart_RunsTodaysMissingRescan_Once(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var today = app.Services.GetRequiredService<JobClock>().Today;

        using (var scope = app.Services.CreateScope())
        {
            var catchUp = scope.ServiceProvider.GetRequiredService<JobCatchUp>();
            Assert.Contains(await catchUp.MissingAsync(), m => m.Job == "daily-monitoring");
            await catchUp.RunAsync();
            Assert.DoesNotContain(await catchUp.MissingAsync(), m => m.Job == "daily-monitoring");
        }

        MonitoringRun caught;
        await using (var db = app.CreateDbContext())
        {
            caught = await db.MonitoringRuns.AsNoTracking().SingleAsync(r => r.Day == today);
        }

        Assert.Equal(MonitoringOutcome.Succeeded, caught.Outcome);
        Assert.Equal(DailyMonitoringJob.Scheduler, caught.TriggeredBy);

        // A second start the same day runs nothing: the record is the same one, untouched.
        using (var scope = app.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<JobCatchUp>().RunAsync();
        }

        await using (var db = app.CreateDbContext())
        {
            var runs = await db.MonitoringRuns.AsNoTracking().Where(r => r.Day == today).ToListAsync();
            Assert.Equal(caught.StartedAt, Assert.Single(runs).StartedAt);
        }
    }
}
