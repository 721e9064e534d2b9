using System.Diagnostics;
using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Features.Columns;
using InfoPortal.Features.Requests;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Features.Statistics;

/// <summary>
/// <c>dotnet run --project InfoPortal -c Release -- bench statistics [--requests 1000000] [--runs 50]</c>:
/// seeds a throw-away SQLite database (set <c>ConnectionStrings__Portal</c> and <c>Storage__Root</c>
/// to an empty temp folder) with requests and their decisions spread over the last 24 months —
/// raw SQL in one transaction, since the entity path would take an hour at this size — then times
/// the monthly job for one month and each query of the dashboard.
/// </summary>
public static class StatisticsBench
{
    private const int Departments = 10;

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
            await SeedAsync(dbFactory, calendar, count - existing, first, last, output);
            await output.WriteLineAsync($"seeded {count - existing:N0} requests with decisions over {first:yyyy-MM} … {last:yyyy-MM} in {seeding.Elapsed.TotalSeconds:N1} s");
            await using var db = await dbFactory.CreateDbContextAsync();
            await db.Database.ExecuteSqlRawAsync("ANALYZE;");
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

    /// <summary>SQLite stores instants as EF's binary DateTimeOffset: UTC ticks / 1000, shifted left 11 bits (offset 0).</summary>
    private static long Ticks(DateTimeOffset value) => (value.UtcTicks / 1000) << 11;

    private static async Task SeedAsync(IDbContextFactory<PortalDbContext> dbFactory, StatisticsCalendar calendar, int count, DateOnly first, DateOnly last, TextWriter output)
    {
        var now = DateTimeOffset.UtcNow;
        List<(int Department, int Officer, int Head)> departments = [];
        int director;
        int[] columns;
        int chainId;
        int nextId;
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            chainId = (await db.ReviewChains.FirstAsync(c => c.IsActive && c.Code == ReviewChain.County)).Id;
            if (await db.Columns.CountAsync(c => c.Site == Site.External) < 8)
            {
                db.Columns.AddRange(Enumerable.Range(1, 8).Select(i => new Column { Site = Site.External, Name = $"统计栏目{i}", SortOrder = i, CreatedAt = now }));
                await db.SaveChangesAsync();
            }

            columns = [.. await db.Columns.Where(c => c.Site == Site.External).OrderBy(c => c.Id).Take(8).Select(c => c.Id).ToListAsync()];
            var tag = Guid.NewGuid().ToString("N")[..6];
            for (var d = 0; d < Departments; d++)
            {
                var department = new Department { Name = $"统计股{d}-{tag}", SortOrder = 100 + d, CreatedAt = now };
                db.Departments.Add(department);
                await db.SaveChangesAsync();
                AppUser User(string name) => new() { UserName = $"{name}-{tag}", DisplayName = name, DepartmentId = department.Id, CreatedAt = now, PasswordChangedAt = now, SecurityStamp = Guid.NewGuid().ToString() };
                var officer = User($"stat-officer-{d}");
                var head = User($"stat-head-{d}");
                db.Users.AddRange(officer, head);
                await db.SaveChangesAsync();
                departments.Add((department.Id, officer.Id, head.Id));
            }

            var directorUser = new AppUser { UserName = $"stat-director-{tag}", DisplayName = "主任", DepartmentId = departments[0].Department, CreatedAt = now, PasswordChangedAt = now, SecurityStamp = Guid.NewGuid().ToString() };
            db.Users.Add(directorUser);
            await db.SaveChangesAsync();
            director = directorUser.Id;
            nextId = (await db.Requests.MaxAsync(r => (int?)r.Id) ?? 0) + 1;
        }

        var start = calendar.MonthStart(first.Year, first.Month);
        var end = calendar.MonthStart(last.AddMonths(1).Year, last.AddMonths(1).Month);
        var span = (end - start).TotalMinutes;
        var random = new Random(20261126);
        const string steps = """[{"key":"dept-head","role":"DeptHead","scope":"OwnDepartment"},{"key":"office-director","role":"OfficeDirector","scope":"Global"}]""";
        var hash = new string('a', 64);

        string connectionString;
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            connectionString = db.Database.GetConnectionString()!;
        }

        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA synchronous=OFF; PRAGMA cache_size=-200000;";
            await pragma.ExecuteNonQueryAsync();
        }

        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        var insertRequest = connection.CreateCommand();
        insertRequest.Transaction = transaction;
        insertRequest.CommandText = """
            INSERT INTO Requests (Id, DepartmentId, OfficerId, Status, Version, Title, BodyHtml, Source, Kind, Importance, EventDate, DeclarationAccepted,
              ContentVersion, ContentSha256, ChainId, Round, PlannedStepsJson, CurrentStepIndex, CurrentStepSince, CurrentRole, CurrentScope,
              CreatedAt, UpdatedAt, SubmittedAt, ApprovedAt, ScheduledFor, PublishedAt, TakenDownAt, UsedByHigherAuthorities)
            VALUES ($id, $dept, $officer, $status, 1, $title, '<p>正文</p>', '县局办公室', 1, 1, $event, 1,
              1, $hash, $chain, $round, $steps, $stepIndex, $stepSince, $role, $scope,
              $created, $updated, $submitted, $approved, NULL, $published, $takendown, $used)
            """;
        string[] names = ["$id", "$dept", "$officer", "$status", "$title", "$event", "$hash", "$chain", "$round", "$steps", "$stepIndex", "$stepSince", "$role", "$scope", "$created", "$updated", "$submitted", "$approved", "$published", "$takendown", "$used"];
        var p = names.ToDictionary(n => n, n => insertRequest.Parameters.Add(new SqliteParameter { ParameterName = n }));
        var insertColumn = connection.CreateCommand();
        insertColumn.Transaction = transaction;
        insertColumn.CommandText = "INSERT INTO RequestColumns (RequestId, ColumnId) VALUES ($r, $c)";
        var cr = insertColumn.Parameters.Add(new SqliteParameter { ParameterName = "$r" });
        var cc = insertColumn.Parameters.Add(new SqliteParameter { ParameterName = "$c" });
        var insertDecision = connection.CreateCommand();
        insertDecision.Transaction = transaction;
        insertDecision.CommandText = """
            INSERT INTO Decisions (RequestId, Round, StepIndex, StepKey, Role, ReviewerId, ReviewerName, ReviewerDepartmentId, Outcome, Opinion, DecidedAt, StepStartedAt, ContentVersion, ContentSha256, AcknowledgedWarnings)
            VALUES ($r, $round, $step, $key, $role, $reviewer, '审核人', $rdept, $outcome, $opinion, $decided, $started, 1, $hash, 0)
            """;
        string[] dnames = ["$r", "$round", "$step", "$key", "$role", "$reviewer", "$rdept", "$outcome", "$opinion", "$decided", "$started", "$hash"];
        var dp = dnames.ToDictionary(n => n, n => insertDecision.Parameters.Add(new SqliteParameter { ParameterName = n }));
        dp["$hash"].Value = hash;
        p["$hash"].Value = hash;
        p["$chain"].Value = chainId;
        p["$steps"].Value = steps;
        await insertRequest.PrepareAsync();
        await insertColumn.PrepareAsync();
        await insertDecision.PrepareAsync();

        async Task DecideAsync(int request, int round, int step, string role, int reviewer, int? reviewerDept, bool approve, DateTimeOffset started, DateTimeOffset decided)
        {
            dp["$r"].Value = request;
            dp["$round"].Value = round;
            dp["$step"].Value = step;
            dp["$key"].Value = step == 0 ? "dept-head" : "office-director";
            dp["$role"].Value = role;
            dp["$reviewer"].Value = reviewer;
            dp["$rdept"].Value = (object?)reviewerDept ?? DBNull.Value;
            dp["$outcome"].Value = approve ? (int)DecisionOutcome.Approve : (int)DecisionOutcome.Return;
            dp["$opinion"].Value = approve ? "同意" : "请修改";
            dp["$decided"].Value = Ticks(decided);
            dp["$started"].Value = Ticks(started);
            await insertDecision.ExecuteNonQueryAsync();
        }

        static object Db(DateTimeOffset? value) => value is { } v ? Ticks(v) : DBNull.Value;
        TimeSpan Hours(double mean) => TimeSpan.FromHours(-mean * Math.Log(1 - random.NextDouble()));

        for (var i = 0; i < count; i++)
        {
            var id = nextId + i;
            var (dept, officer, head) = departments[random.Next(departments.Count)];
            var created = start.AddMinutes(random.NextDouble() * span);
            var eventDate = DateOnly.FromDateTime(created.UtcDateTime).AddDays(-random.Next(0, 15));
            DateTimeOffset? submitted = null, approved = null, published = null, takendown = null, stepSince = null;
            var status = RequestStatus.Draft;
            var round = 0;
            string? role = null;
            var stepIndex = 0;
            var decisions = new List<(int Round, int Step, string Role, int Reviewer, int? Dept, bool Approve, DateTimeOffset Started, DateTimeOffset Decided)>();
            if (random.NextDouble() < 0.92)
            {
                round = 1;
                submitted = created + Hours(6);
                var headAt = submitted.Value + Hours(14);
                if (random.NextDouble() < 0.08)
                {
                    // Returned, then resubmitted in most cases.
                    decisions.Add((1, 0, Roles.DeptHead, head, dept, false, submitted.Value, headAt));
                    status = RequestStatus.Returned;
                    if (random.NextDouble() < 0.8)
                    {
                        round = 2;
                        submitted = headAt + Hours(20);
                        headAt = submitted.Value + Hours(10);
                        status = RequestStatus.InReview;
                    }
                }

                if (status == RequestStatus.InReview || round == 1 && status == RequestStatus.Draft)
                {
                    decisions.Add((round, 0, Roles.DeptHead, head, dept, true, submitted.Value, headAt));
                    var directorAt = headAt + Hours(18);
                    if (random.NextDouble() < 0.03)
                    {
                        status = RequestStatus.InReview;
                        role = Roles.OfficeDirector;
                        stepIndex = 1;
                        stepSince = headAt;
                    }
                    else
                    {
                        decisions.Add((round, 1, Roles.OfficeDirector, director, departments[0].Department, true, headAt, directorAt));
                        approved = directorAt;
                        status = RequestStatus.Approved;
                        if (random.NextDouble() < 0.9)
                        {
                            published = directorAt + Hours(30);
                            status = RequestStatus.Published;
                            if (random.NextDouble() < 0.03)
                            {
                                takendown = published.Value + Hours(24 * 20);
                                status = RequestStatus.TakenDown;
                            }
                        }
                    }
                }
            }

            p["$id"].Value = id;
            p["$dept"].Value = dept;
            p["$officer"].Value = officer;
            p["$status"].Value = (int)status;
            p["$title"].Value = $"统计样例 {id}";
            p["$event"].Value = eventDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            p["$round"].Value = round;
            p["$stepIndex"].Value = stepIndex;
            p["$stepSince"].Value = Db(stepSince);
            p["$role"].Value = (object?)role ?? DBNull.Value;
            p["$scope"].Value = role is null ? DBNull.Value : (int)StepScope.Global;
            p["$created"].Value = Ticks(created);
            p["$updated"].Value = Ticks(takendown ?? published ?? approved ?? submitted ?? created);
            p["$submitted"].Value = Db(submitted);
            p["$approved"].Value = Db(approved);
            p["$published"].Value = Db(published);
            p["$takendown"].Value = Db(takendown);
            p["$used"].Value = published is not null && random.NextDouble() < 0.02 ? 1 : 0;
            await insertRequest.ExecuteNonQueryAsync();
            cr.Value = id;
            cc.Value = columns[random.Next(columns.Length)];
            await insertColumn.ExecuteNonQueryAsync();
            foreach (var d in decisions)
            {
                await DecideAsync(id, d.Round, d.Step, d.Role, d.Reviewer, d.Dept, d.Approve, d.Started, d.Decided);
            }

            if ((i + 1) % 200_000 == 0)
            {
                await output.WriteLineAsync($"  {i + 1:N0} …");
            }
        }

        await transaction.CommitAsync();
    }
}
