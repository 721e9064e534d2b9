using InfoPortal.Data;
using InfoPortal.Infrastructure.Jobs;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace InfoPortal.Tests.Infrastructure.Jobs;

/// <summary>
/// A monthly job that only the test host has. Its result is a file per period with one line per
/// item; a rerun rewrites it (replaces), and the probe can make it stop half-way or wait.
/// </summary>
public sealed class TestMonthlyJob(JobProbe probe) : PeriodicJob
{
    public const string JobName = "test-monthly";
    public const int Items = 5;

    public override string Name => JobName;

    public override PeriodKind Kind => PeriodKind.Month;

    public override string DefaultCron => "0 1 1 * *";

    public override int? CatchUpPeriods => 3;

    public override async Task<JobResult> RunAsync(JobPeriod period, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref probe.Invocations);
        probe.Entered.TrySetResult();
        await probe.Gate.Task.WaitAsync(cancellationToken);
        var file = probe.ResultFile(period.Key);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await using (var writer = new StreamWriter(file, append: false))
        {
            for (var i = 1; i <= Items; i++)
            {
                await writer.WriteLineAsync($"{period.Key} item {i}");
                if (i == 2 && probe.FailHalfway)
                {
                    await writer.FlushAsync(cancellationToken);
                    throw new IOException("simulated crash half-way");
                }
            }
        }

        return JobResult.Done(Items, $"{Items} items for {period.Key}");
    }
}

public sealed class JobProbe(string folder)
{
    public int Invocations;

    public TaskCompletionSource Entered { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Gate { get; set; } = Open();

    public bool FailHalfway { get; set; }

    public string ResultFile(string key) => Path.Combine(folder, "test-job", key + ".txt");

    public static TaskCompletionSource Open()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }
}

public sealed class JobFrameworkTests
{
    // 2026-11-26 10:00 in Shanghai.
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 2, 0, 0, TimeSpan.Zero);

    private static readonly JobPeriod October = new(PeriodKind.Month, new DateTime(2026, 10, 1));

    private static async Task<(PortalFactory App, JobProbe Probe, FakeTimeProvider Clock)> StartAsync(string provider, Action<PortalFactory>? configure = null)
    {
        var clock = new FakeTimeProvider(Now);
        var app = await PortalFactory.CreateAsync(provider);
        var probe = new JobProbe(app.DataFolder);
        app.WithServices(s =>
        {
            s.AddSingleton(probe);
            s.AddPeriodicJob<TestMonthlyJob>();
            s.AddSingleton<TimeProvider>(clock);
        });
        configure?.Invoke(app);
        _ = app.Services;
        return (app, probe, clock);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task RunAsync_TwiceForSamePeriod_LeavesOneResult(string provider)
    {
        var (app, probe, _) = await StartAsync(provider);
        await using var _app = app;
        var runner = app.Services.GetRequiredService<JobRunner>();

        var first = await runner.RunAsync(TestMonthlyJob.JobName, October, "test");
        var second = await runner.RunAsync(TestMonthlyJob.JobName, October, "test");

        Assert.Equal(JobOutcome.Succeeded, first.Outcome);
        Assert.Equal(JobOutcome.Succeeded, second.Outcome);
        Assert.Equal(2, probe.Invocations);
        Assert.Equal(TestMonthlyJob.Items, File.ReadAllLines(probe.ResultFile("2026-10")).Length);
        await using var db = app.CreateDbContext();
        var period = await db.JobPeriods.SingleAsync(p => p.JobName == TestMonthlyJob.JobName);
        Assert.Equal("2026-10", period.PeriodKey);
        Assert.Equal(second.RunId, period.LastRunId);
        Assert.Equal(2, await db.JobRuns.CountAsync(r => r.JobName == TestMonthlyJob.JobName && r.Outcome == JobOutcome.Succeeded));
        Assert.False(await db.JobLeases.AnyAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task RunAsync_AfterFailureHalfwayAndAKilledRun_RerunLeavesCorrectResult(string provider)
    {
        var (app, probe, clock) = await StartAsync(provider);
        await using var _app = app;
        var runner = app.Services.GetRequiredService<JobRunner>();

        // 1. The job throws after writing part of its result: Failed, no completed period.
        probe.FailHalfway = true;
        var failed = await runner.RunAsync(TestMonthlyJob.JobName, October, "test");
        Assert.Equal(JobOutcome.Failed, failed.Outcome);
        Assert.Contains("simulated crash", failed.Error, StringComparison.Ordinal);
        Assert.Equal(2, File.ReadAllLines(probe.ResultFile("2026-10")).Length);
        await using (var db = app.CreateDbContext())
        {
            Assert.False(await db.JobPeriods.AnyAsync());
        }

        // 2. A process killed mid-run: its lease and a Running record are left behind.
        await using (var db = app.CreateDbContext())
        {
            db.JobLeases.Add(new JobLease { JobName = TestMonthlyJob.JobName, PeriodKey = "2026-10", Holder = "dead-host:1:x", ExpiresAt = clock.GetUtcNow().AddMinutes(30) });
            db.JobRuns.Add(new JobRun { JobName = TestMonthlyJob.JobName, PeriodKey = "2026-10", Trigger = "Schedule", StartedAt = clock.GetUtcNow(), Outcome = JobOutcome.Running });
            await db.SaveChangesAsync();
        }

        probe.FailHalfway = false;
        var whileLeased = await runner.RunAsync(TestMonthlyJob.JobName, October, "test");
        Assert.Equal(JobOutcome.Skipped, whileLeased.Outcome);
        Assert.Equal(1, probe.Invocations);

        // 3. Once the lease has expired the period is redone completely.
        clock.Advance(TimeSpan.FromMinutes(31));
        var rerun = await runner.RunAsync(TestMonthlyJob.JobName, October, "test");
        Assert.Equal(JobOutcome.Succeeded, rerun.Outcome);
        Assert.Equal(Enumerable.Range(1, TestMonthlyJob.Items).Select(i => $"2026-10 item {i}"), File.ReadAllLines(probe.ResultFile("2026-10")));
        await using var check = app.CreateDbContext();
        Assert.Equal(rerun.RunId, (await check.JobPeriods.SingleAsync()).LastRunId);
        var stale = await check.JobRuns.SingleAsync(r => r.Trigger == "Schedule");
        Assert.Equal(JobOutcome.Failed, stale.Outcome);
        Assert.Contains("interrupted", stale.Error, StringComparison.Ordinal);
        Assert.False(await check.JobRuns.AnyAsync(r => r.Outcome == JobOutcome.Running));
        Assert.False(await check.JobLeases.AnyAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task RunAsync_ConcurrentlyForSamePeriod_OneRunsOtherIsSkipped(string provider)
    {
        var (app, probe, _) = await StartAsync(provider);
        await using var _app = app;
        var runner = app.Services.GetRequiredService<JobRunner>();
        probe.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var first = runner.RunAsync(TestMonthlyJob.JobName, October, "first");
        await probe.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var second = await runner.RunAsync(TestMonthlyJob.JobName, October, "second");
        probe.Gate.SetResult();

        Assert.Equal(JobOutcome.Skipped, second.Outcome);
        Assert.Equal(JobOutcome.Succeeded, (await first).Outcome);
        Assert.Equal(1, probe.Invocations);

        // Another period of the same job is not held up by the lease.
        var september = await runner.RunAsync(TestMonthlyJob.JobName, October.Add(-1), "other");
        Assert.Equal(JobOutcome.Succeeded, september.Outcome);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task CatchUpAtStart_RunsTheMissedMonthOnce_NotAgainOnSecondStart(string provider)
    {
        // A fresh portal starts on 26 November: the job's window (3 months) has never run.
        var (app, probe, _) = await StartAsync(provider, f => f.With("Jobs:CatchUpAtStart", "true"));
        await using var _app = app;
        await app.Services.GetServices<IHostedService>().OfType<JobsHostedService>().Single().CatchUp.WaitAsync(TimeSpan.FromSeconds(60));

        // The catch-up ran after the server listened, as start-up work /health reports (ADR 0053).
        Assert.Contains("catch-up", app.Services.GetRequiredService<InfoPortal.Infrastructure.StartupWork>().Tracked);

        // The first start ran all three periods of its window, oldest first. Then pretend October
        // was missed (its completion lost) before the next start.
        await using (var db = app.CreateDbContext())
        {
            var runs = await db.JobRuns.Where(r => r.JobName == TestMonthlyJob.JobName).OrderBy(r => r.Id).Select(r => r.PeriodKey).ToListAsync();
            Assert.Equal(["2026-08", "2026-09", "2026-10"], runs);
            await db.JobPeriods.Where(p => p.JobName == TestMonthlyJob.JobName && p.PeriodKey == "2026-10").ExecuteDeleteAsync();
            await db.JobRuns.Where(r => r.JobName == TestMonthlyJob.JobName).ExecuteDeleteAsync();
        }

        // Second start on the same database: only the missing month runs.
        var catchUp = app.Services.GetRequiredService<JobCatchUp>();
        var missing = await catchUp.MissingAsync();
        Assert.Equal([(TestMonthlyJob.JobName, October)], missing.Where(m => m.Job == TestMonthlyJob.JobName));
        await catchUp.RunAsync();

        // Third start: nothing left to do.
        Assert.DoesNotContain(await catchUp.MissingAsync(), m => m.Job == TestMonthlyJob.JobName);
        Assert.Equal(0, await catchUp.RunAsync());
        await using var check = app.CreateDbContext();
        Assert.Equal(["2026-10"], await check.JobRuns.Where(r => r.JobName == TestMonthlyJob.JobName).Select(r => r.PeriodKey).ToListAsync());
        Assert.Equal(3, await check.JobPeriods.CountAsync(p => p.JobName == TestMonthlyJob.JobName));
        Assert.Equal(4, probe.Invocations);
    }

    [Fact]
    public void PeriodAt_MonthlyRunOnTheFirst_IsForThePreviousMonth()
    {
        var job = new TestMonthlyJob(new JobProbe(Path.GetTempPath()));
        Assert.Equal("2026-10", job.PeriodAt(new DateTime(2026, 11, 1, 1, 0, 0)).Key);
        Assert.Equal("2025-12", job.PeriodAt(new DateTime(2026, 1, 1, 1, 0, 0)).Key);
        Assert.Equal("2026-Q3", JobPeriod.Containing(PeriodKind.Quarter, new DateTime(2026, 10, 1)).Add(-1).Key);
        Assert.True(JobPeriod.TryParse(PeriodKind.Quarter, "2026-Q4", out var q4));
        Assert.Equal(new DateTime(2026, 10, 1), q4.Start);
        Assert.Equal(new DateOnly(2026, 12, 31), q4.LastDay);
        Assert.False(JobPeriod.TryParse(PeriodKind.Month, "2026-13", out _));
        Assert.True(JobPeriod.TryParse(PeriodKind.Day, "2026-11-26", out var day));
        Assert.Equal("2026-11-26", day.Key);
    }
}
