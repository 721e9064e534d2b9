using Hangfire;
using InfoPortal.Infrastructure.Jobs;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace InfoPortal.Tests.Infrastructure.Jobs;

/// <summary>A quick daily job beside the blocking monthly one: done as soon as it runs.</summary>
public sealed class TestQuickJob : PeriodicJob
{
    public const string JobName = "test-quick";

    public override string Name => JobName;

    public override PeriodKind Kind => PeriodKind.Day;

    public override string DefaultCron => "0 3 * * *";

    public override Task<JobResult> RunAsync(JobPeriod period, CancellationToken cancellationToken) => Task.FromResult(JobResult.Done(1, "quick"));
}

/// <summary>
/// Issue 13 items 4 and 5: one job never waits for another; a lease lives by its heartbeat, and a
/// period whose holder died is taken over.
/// </summary>
public sealed class JobLeaseTests
{
    private static readonly JobPeriod October = new(PeriodKind.Month, new DateTime(2026, 10, 1));

    internal static async Task<(PortalFactory App, JobProbe Probe)> StartAsync(string provider, Action<PortalFactory>? configure = null, TimeProvider? clock = null)
    {
        var app = await PortalFactory.CreateAsync(provider);
        var probe = new JobProbe(app.DataFolder);
        app.WithServices(s =>
        {
            s.AddSingleton(probe);
            s.AddPeriodicJob<TestMonthlyJob>();
            s.AddPeriodicJob<TestQuickJob>();
            if (clock is not null)
            {
                s.AddSingleton(clock);
            }
        });
        configure?.Invoke(app);
        _ = app.Services;
        return (app, probe);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task RunAsync_WhileItLives_TheHeartbeatKeepsItsLeaseFromTakeover(string provider)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 2, 0, 0, TimeSpan.Zero));
        var (app, probe) = await StartAsync(provider, a => a.With("Jobs:LeaseSeconds", "30"), clock);
        await using var _app = app;
        var runner = app.Services.GetRequiredService<JobRunner>();
        probe.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = runner.RunAsync(TestMonthlyJob.JobName, October, "test");
        await probe.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // Two minutes of the run, in heartbeat steps: the lease keeps moving ahead of the clock.
        for (var i = 0; i < 12; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(10));
            var deadline = DateTime.UtcNow.AddSeconds(10);
            DateTimeOffset expires;
            do
            {
                await using var db = app.CreateDbContext();
                expires = (await db.JobLeases.AsNoTracking().SingleAsync()).ExpiresAt;
            }
            while (expires <= clock.GetUtcNow() + TimeSpan.FromSeconds(15) && DateTime.UtcNow < deadline && await Delay());

            Assert.True(expires > clock.GetUtcNow(), $"lease expired at {expires:O} while the run lived (now {clock.GetUtcNow():O})");
            Assert.Empty(await runner.TakeOverExpiredAsync());
        }

        probe.Gate.TrySetResult();
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(JobOutcome.Succeeded, result.Outcome);
        Assert.Equal(1, probe.Invocations);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TakeOverExpired_HolderDiedMidRun_RedoesThePeriodOnceAndFailsTheStaleRun(string provider)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 2, 0, 0, TimeSpan.Zero));
        var (app, probe) = await StartAsync(provider, a => a.With("Jobs:LeaseSeconds", "45"), clock);
        await using var _app = app;
        var runner = app.Services.GetRequiredService<JobRunner>();

        // What a kill -9 leaves: a lease nobody renews and a run that never finished.
        await using (var db = app.CreateDbContext())
        {
            db.JobLeases.Add(new JobLease { JobName = TestMonthlyJob.JobName, PeriodKey = "2026-10", Holder = "dead-host:1:x", ExpiresAt = clock.GetUtcNow().AddSeconds(45) });
            db.JobRuns.Add(new JobRun { JobName = TestMonthlyJob.JobName, PeriodKey = "2026-10", Trigger = "Schedule", StartedAt = clock.GetUtcNow(), Outcome = JobOutcome.Running });
            await db.SaveChangesAsync();
        }

        // Still within the lease: the holder may be alive, nobody takes over.
        Assert.Empty(await runner.TakeOverExpiredAsync());
        clock.Advance(TimeSpan.FromSeconds(46));
        var results = await runner.TakeOverExpiredAsync();

        var result = Assert.Single(results);
        Assert.Equal(JobOutcome.Succeeded, result.Outcome);
        Assert.Equal(1, probe.Invocations);
        Assert.Equal(Enumerable.Range(1, TestMonthlyJob.Items).Select(i => $"2026-10 item {i}"), File.ReadAllLines(probe.ResultFile("2026-10")));
        await using var check = app.CreateDbContext();
        Assert.Equal(result.RunId, (await check.JobPeriods.SingleAsync(p => p.JobName == TestMonthlyJob.JobName)).LastRunId);
        Assert.Equal(JobRunner.TakeoverTrigger, (await check.JobRuns.SingleAsync(r => r.Id == result.RunId)).Trigger);
        Assert.Equal(JobOutcome.Failed, (await check.JobRuns.SingleAsync(r => r.Trigger == "Schedule")).Outcome);
        Assert.False(await check.JobLeases.AnyAsync());
        Assert.Empty(await runner.TakeOverExpiredAsync());
    }

    private static async Task<bool> Delay()
    {
        await Task.Delay(20);
        return true;
    }
}

/// <summary>
/// Through Hangfire itself: a server of its own, so it runs with the other Hangfire tests, not beside
/// other hosts' servers (process-wide Hangfire state, see <see cref="HangfireTestGroup"/>).
/// </summary>
[Collection(HangfireTestGroup.Name)]
public sealed class HangfireEntryTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task HangfireEntry_WhileOneJobRuns_AnotherJobRunsAtOnce(string provider)
    {
        var (app, probe) = await JobLeaseTests.StartAsync(provider, a => a.With("Jobs:RunServer", "true").With("Jobs:WorkerCount", "2").With("Jobs:PollingSeconds", "2").With("Jobs:TakeoverCheckSeconds", "600"));
        await using var _app = app;
        probe.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var storage = app.Services.GetRequiredService<JobStorage>();
        var client = new BackgroundJobClient(storage);

        var monthly = client.Enqueue<HangfireJobEntry>(e => e.RunAsync(TestMonthlyJob.JobName, CancellationToken.None));
        // Generous deadlines, still far below "never"; a miss says what Hangfire saw.
        if (await Task.WhenAny(probe.Entered.Task, Task.Delay(TimeSpan.FromSeconds(120))) != probe.Entered.Task)
        {
            Assert.Fail("the monthly job did not start within 120 s: " + HangfireDiagnostics.Describe(storage, monthly));
        }

        var quick = client.Enqueue<HangfireJobEntry>(e => e.RunAsync(TestQuickJob.JobName, CancellationToken.None));

        // The quick job completes while the monthly one is still held at its gate: no shared lock.
        var deadline = DateTime.UtcNow.AddSeconds(90);
        var done = false;
        while (!done && DateTime.UtcNow < deadline)
        {
            await using var db = app.CreateDbContext();
            done = await db.JobPeriods.AnyAsync(p => p.JobName == TestQuickJob.JobName);
            if (!done)
            {
                await Task.Delay(50);
            }
        }

        Assert.True(done, "the quick job did not run while the monthly job was running: " + (done ? "" : HangfireDiagnostics.Describe(storage, monthly, quick)));
        await using (var db = app.CreateDbContext())
        {
            Assert.True(await db.JobRuns.AnyAsync(r => r.JobName == TestMonthlyJob.JobName && r.Outcome == JobOutcome.Running));
            Assert.False(await db.JobRuns.AnyAsync(r => r.JobName == TestQuickJob.JobName && r.Outcome != JobOutcome.Succeeded));
        }

        probe.Gate.TrySetResult();
    }
}
