using System.Diagnostics;
using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Statistics;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Benchmarks.Commands;

/// <summary>
/// <c>dotnet run --project InfoPortal.Benchmarks -c Release -- statistics [--requests 1000000] [--runs 50]</c>:
/// seeds a throw-away SQLite database (set <c>ConnectionStrings__Portal</c> and <c>Storage__Root</c>
/// to an empty temp folder) with requests and their decisions spread over the last 24 months
/// (<see cref="Infrastructure.Bench.BulkSeeder"/>), then times the monthly job for one month and
/// each query of the dashboard.
/// </summary>
public static class StatisticsBench
{
    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output)
    {
        var count = args.SkipWhile(a => a != "--requests").Skip(1).Select(int.Parse).FirstOrDefault(1_000_000);
        var runs = args.SkipWhile(a => a != "--runs").Skip(1).Select(int.Parse).FirstOrDefault(50);
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var settings = sp.GetRequiredService<DatabaseSettings>();
        if (settings.Provider != DatabaseProvider.Sqlite)
        {
            await output.WriteLineAsync("bench statistics runs on SQLite only.");
            return 1;
        }

        var dbFactory = sp.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var calendar = sp.GetRequiredService<StatisticsCalendar>();
        var (year, month) = calendar.CurrentMonth();
        var last = new DateOnly(year, month, 1).AddMonths(-1);
        var first = last.AddMonths(-23);
        int existing;
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            existing = await db.Requests.CountAsync();
        }

        if (existing < count)
        {
            var seeding = Stopwatch.StartNew();
            await BulkSeeder.SeedAsync(dbFactory, count - existing,
                calendar.MonthStart(first.Year, first.Month), calendar.MonthStart(last.AddMonths(1).Year, last.AddMonths(1).Month), output);
            await output.WriteLineAsync($"seeded {count - existing:N0} requests with decisions over {first:yyyy-MM} … {last:yyyy-MM} in {seeding.Elapsed.TotalSeconds:N1} s");
        }

        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            await output.WriteLineAsync($"rows: {await db.Requests.CountAsync():N0} requests, {await db.Decisions.CountAsync():N0} decisions, {await db.RequestColumns.CountAsync():N0} request columns");
        }

        // The monthly job for a month in the middle of the range; every month of the trend computed first.
        var job = sp.GetRequiredService<MonthlyStatisticsJob>();
        var target = last.AddMonths(-6);
        await output.WriteLineAsync($"| monthly job {target:yyyy-MM} | run | seconds | rows |");
        await output.WriteLineAsync("|---|---|---|---|");
        for (var run = 1; run <= 3; run++)
        {
            var watch = Stopwatch.StartNew();
            var result = await job.RunAsync(target.Year, target.Month);
            await output.WriteLineAsync($"| monthly job | {run} | {watch.Elapsed.TotalSeconds:N2} | {result.Rows} + {result.StepRows} |");
        }

        var all = Stopwatch.StartNew();
        var months = new List<double>();
        for (var m = first; m <= last; m = m.AddMonths(1))
        {
            var watch = Stopwatch.StartNew();
            await job.RunAsync(m.Year, m.Month);
            months.Add(watch.Elapsed.TotalSeconds);
        }

        months.Sort();
        await output.WriteLineAsync($"all 24 months computed in {all.Elapsed.TotalSeconds:N1} s (per month: min {months[0]:N2} s, median {months[12]:N2} s, max {months[^1]:N2} s)");

        var statistics = sp.GetRequiredService<StatisticsService>();
        var assessor = new Actor(1, "bench-assessor", "考核", null, new HashSet<string> { Roles.Assessor }, null);
        int department;
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            department = await db.Departments.OrderBy(d => d.Id).Select(d => d.Id).FirstAsync();
        }

        await output.WriteLineAsync($"dashboard queries, runs per query: {runs}");
        await output.WriteLineAsync("| query | p50 ms | p95 ms | max ms |");
        await output.WriteLineAsync("|---|---|---|---|");
        foreach (var (name, query) in new (string, Func<Task>)[]
        {
            ("month report, all departments", () => statistics.GetMonthAsync(assessor, target.Year, target.Month)),
            ("month report, one department", () => statistics.GetMonthAsync(assessor, target.Year, target.Month, department)),
            ("12-month trend, all departments", () => statistics.GetTrendAsync(assessor, target.Year, target.Month)),
            ("12-month trend, one department", () => statistics.GetTrendAsync(assessor, target.Year, target.Month, department)),
            ("department list", () => statistics.DepartmentsAsync(assessor)),
        })
        {
            var times = new List<double>();
            for (var i = 0; i < runs + 5; i++)
            {
                var watch = Stopwatch.StartNew();
                await query();
                if (i >= 5)
                {
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }
            }

            times.Sort();
            await output.WriteLineAsync($"| {name} | {Pct(times, 0.5):N2} | {Pct(times, 0.95):N2} | {times[^1]:N2} |");
        }

        return 0;
    }

    private static double Pct(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
