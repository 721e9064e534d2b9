using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Columns;
using InfoPortal.Features.Requests;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Benchmarks.Commands;

/// <summary>
/// Requests with their decisions for the benches, written with prepared SQL in one transaction on
/// SQLite (issue 12 item 7): a million in 3–4 minutes where the entity path took 35–40. The mix is a
/// busy agency's (ordinary importance, the county chain) — drafts, returns and resubmissions, items waiting at the 部门负责人 and at the
/// 办公室主任, approved, published, taken down — created between two instants. It writes the rows
/// the queue, the counts, the back-office search and the statistics read (Requests, RequestColumns,
/// Decisions; the search triggers fill the text indexes), not content versions, publications or
/// site-search documents. <c>BulkSeederTests</c> reads what it wrote back through the app.
/// </summary>
public static class BulkSeeder
{
    private const int DepartmentCount = 10;

    /// <summary>The title of request <paramref name="id"/>: every title holds 药品安全, and each its own number.</summary>
    public static string TitleOf(int id) => $"测试信息 {id}：县局开展药品安全检查";

    /// <summary>The 办公室主任 and the first department's 部门负责人 the requests were made for.</summary>
    public static async Task<(Actor Director, Actor DeptHead)> ReviewersAsync(IDbContextFactory<PortalDbContext> dbFactory)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var director = await db.Users.SingleAsync(u => u.UserName == "bench-director");
        var head = await db.Users.SingleAsync(u => u.UserName == "bench-head-0");
        return (new Actor(director.Id, director.UserName!, director.DisplayName, director.DepartmentId, new HashSet<string> { Roles.OfficeDirector }, null),
                new Actor(head.Id, head.UserName!, head.DisplayName, head.DepartmentId, new HashSet<string> { Roles.DeptHead }, null));
    }

    /// <summary>SQLite stores instants as EF's binary DateTimeOffset: UTC ticks / 1000, shifted left 11 bits (offset 0).</summary>
    private static long Ticks(DateTimeOffset value) => (value.UtcTicks / 1000) << 11;

    /// <summary>Adds <paramref name="count"/> requests created between <paramref name="from"/> and <paramref name="to"/>.</summary>
    public static async Task SeedAsync(IDbContextFactory<PortalDbContext> dbFactory, int count, DateTimeOffset from, DateTimeOffset to, TextWriter output)
    {
        var now = DateTimeOffset.UtcNow;
        List<(int Department, int Officer, int Head)> departments = [];
        int director;
        int[] columns;
        int chainId;
        int nextId;
        string connectionString;
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            if (!db.Database.IsSqlite())
            {
                throw new InvalidOperationException("The bulk seeder writes SQLite's storage format; seed PostgreSQL from a SQLite file or through the entities.");
            }

            connectionString = db.Database.GetConnectionString()!;
            chainId = (await db.ReviewChains.FirstAsync(c => c.IsActive && c.Code == ReviewChain.County)).Id;
            if (await db.Columns.CountAsync(c => c.Site == Site.External) < 8)
            {
                db.Columns.AddRange(Enumerable.Range(1, 8).Select(i => new Column { Site = Site.External, Name = $"压测栏目{i}", SortOrder = i, CreatedAt = now }));
                await db.SaveChangesAsync();
            }

            columns = [.. await db.Columns.Where(c => c.Site == Site.External).OrderBy(c => c.Id).Take(8).Select(c => c.Id).ToListAsync()];

            // The same departments and people every time, so a second seeding adds to the first.
            async Task<AppUser> UserAsync(string userName, string displayName, int departmentId)
            {
                var user = await db.Users.SingleOrDefaultAsync(u => u.UserName == userName);
                if (user is null)
                {
                    user = new AppUser { UserName = userName, DisplayName = displayName, DepartmentId = departmentId, CreatedAt = now, PasswordChangedAt = now, SecurityStamp = Guid.NewGuid().ToString() };
                    db.Users.Add(user);
                    await db.SaveChangesAsync();
                }

                return user;
            }

            for (var d = 0; d < DepartmentCount; d++)
            {
                var name = $"压测股{d}";
                var department = await db.Departments.SingleOrDefaultAsync(x => x.Name == name);
                if (department is null)
                {
                    department = new Department { Name = name, SortOrder = 100 + d, CreatedAt = now };
                    db.Departments.Add(department);
                    await db.SaveChangesAsync();
                }

                var officer = await UserAsync($"bench-officer-{d}", $"信息员{d}", department.Id);
                var head = await UserAsync($"bench-head-{d}", $"负责人{d}", department.Id);
                departments.Add((department.Id, officer.Id, head.Id));
            }

            director = (await UserAsync("bench-director", "主任", departments[0].Department)).Id;
            nextId = (await db.Requests.MaxAsync(r => (int?)r.Id) ?? 0) + 1;
        }

        var span = (to - from).TotalMinutes;
        var random = new Random(20261126 + nextId);
        const string steps = """[{"key":"dept-head","role":"DeptHead","scope":"OwnDepartment"},{"key":"office-director","role":"OfficeDirector","scope":"Global"}]""";
        var hash = new string('a', 64);

        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using (var pragma = connection.CreateCommand())
        {
            // A throw-away bench file: no fsync per page, a big cache.
            pragma.CommandText = "PRAGMA synchronous=OFF; PRAGMA cache_size=-200000;";
            await pragma.ExecuteNonQueryAsync();
        }

        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await using var insertRequest = connection.CreateCommand();
        insertRequest.Transaction = transaction;
        insertRequest.CommandText = """
            INSERT INTO Requests (Id, DepartmentId, OfficerId, Status, Version, Title, BodyHtml, Source, Kind, Importance, EventDate, DeclarationAccepted,
              ContentVersion, ContentSha256, ChainId, Round, PlannedStepsJson, CurrentStepIndex, CurrentStepSince, CurrentRole, CurrentScope,
              CreatedAt, UpdatedAt, SubmittedAt, ApprovedAt, ScheduledFor, PublishedAt, TakenDownAt, UsedByHigherAuthorities)
            VALUES ($id, $dept, $officer, $status, 1, $title, '<p>正文内容。</p>', '县局办公室', 1, 1, $event, 1,
              1, $hash, $chain, $round, $steps, $stepIndex, $stepSince, $role, $scope,
              $created, $updated, $submitted, $approved, NULL, $published, $takendown, $used)
            """;
        string[] names = ["$id", "$dept", "$officer", "$status", "$title", "$event", "$hash", "$chain", "$round", "$steps", "$stepIndex", "$stepSince", "$role", "$scope", "$created", "$updated", "$submitted", "$approved", "$published", "$takendown", "$used"];
        var p = names.ToDictionary(n => n, n => insertRequest.Parameters.Add(new SqliteParameter { ParameterName = n }));
        await using var insertColumn = connection.CreateCommand();
        insertColumn.Transaction = transaction;
        insertColumn.CommandText = "INSERT INTO RequestColumns (RequestId, ColumnId) VALUES ($r, $c)";
        var cr = insertColumn.Parameters.Add(new SqliteParameter { ParameterName = "$r" });
        var cc = insertColumn.Parameters.Add(new SqliteParameter { ParameterName = "$c" });
        await using var insertDecision = connection.CreateCommand();
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

        var decisions = new List<(int Round, int Step, string Role, int Reviewer, int? Dept, bool Approve, DateTimeOffset Started, DateTimeOffset Decided)>();
        for (var i = 0; i < count; i++)
        {
            var id = nextId + i;
            var (dept, officer, head) = departments[random.Next(departments.Count)];
            var created = from.AddMinutes(random.NextDouble() * span);
            var eventDate = DateOnly.FromDateTime(created.UtcDateTime).AddDays(-random.Next(0, 15));
            DateTimeOffset? submitted = null, approved = null, published = null, takendown = null, stepSince = null;
            var status = RequestStatus.Draft;
            var round = 0;
            string? role = null;
            var scope = StepScope.Global;
            var stepIndex = 0;
            decisions.Clear();
            if (random.NextDouble() < 0.92)
            {
                round = 1;
                submitted = created + Hours(6);
                var headAt = submitted.Value + Hours(14);
                status = RequestStatus.InReview;
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

                if (status == RequestStatus.InReview && random.NextDouble() < 0.05)
                {
                    // Waiting at the 部门负责人.
                    role = Roles.DeptHead;
                    scope = StepScope.OwnDepartment;
                    stepSince = submitted;
                }
                else if (status == RequestStatus.InReview)
                {
                    decisions.Add((round, 0, Roles.DeptHead, head, dept, true, submitted.Value, headAt));
                    var directorAt = headAt + Hours(18);
                    if (random.NextDouble() < 0.03)
                    {
                        // Waiting at the 办公室主任.
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
            p["$title"].Value = TitleOf(id);
            p["$event"].Value = eventDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            p["$round"].Value = round;
            p["$stepIndex"].Value = stepIndex;
            p["$stepSince"].Value = Db(stepSince);
            p["$role"].Value = (object?)role ?? DBNull.Value;
            p["$scope"].Value = role is null ? DBNull.Value : (int)scope;
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
        await using var analyze = connection.CreateCommand();
        analyze.CommandText = "ANALYZE;";
        await analyze.ExecuteNonQueryAsync();
    }
}
