using System.Diagnostics;
using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Features.Columns;
using InfoPortal.Features.Requests;
using InfoPortal.Features.Review;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Infrastructure.Bench;

/// <summary>
/// <c>dotnet run --project InfoPortal -c Release -- bench review-queue [--requests 100000]</c>:
/// seeds a throw-away SQLite database with realistic requests and measures the review-queue
/// queries (first page, a deep page, the navigation count) as a reviewer sees them.
/// Run it against an empty data folder: set <c>ConnectionStrings__Portal</c> and <c>Storage__Root</c>.
/// </summary>
public static class BenchCommand
{
    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output)
    {
        var count = args.SkipWhile(a => a != "--requests").Skip(1).Select(int.Parse).FirstOrDefault(100_000);
        var runs = args.SkipWhile(a => a != "--runs").Skip(1).Select(int.Parse).FirstOrDefault(300);
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var dbFactory = sp.GetRequiredService<IDbContextFactory<PortalDbContext>>();

        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            var existing = await db.Requests.CountAsync();
            if (existing < count)
            {
                var seeding = Stopwatch.StartNew();
                await SeedAsync(dbFactory, count - existing, output);
                await output.WriteLineAsync($"seeded {count - existing:N0} requests in {seeding.Elapsed.TotalSeconds:N1} s");
            }
        }

        var review = sp.GetRequiredService<ReviewService>();
        var (director, depthead) = await ReviewersAsync(dbFactory);
        await output.WriteLineAsync($"requests: {count:N0}; runs per query: {runs}");
        await output.WriteLineAsync("| query | p50 ms | p95 ms | max ms | rows |");
        await output.WriteLineAsync("|---|---|---|---|---|");
        foreach (var (name, query) in new (string, Func<Task<int>>)[]
        {
            ("director: first page (50)", async () => (await review.QueueAsync(director, new QueueFilter())).Count),
            ("director: page after id 50,000", async () => (await review.QueueAsync(director, new QueueFilter(After: count / 2))).Count),
            ("director: overdue only", async () => (await review.QueueAsync(director, new QueueFilter(OverdueOnly: true))).Count),
            ("director: nav count", () => review.CountAsync(director)),
            ("dept head: first page (50)", async () => (await review.QueueAsync(depthead, new QueueFilter())).Count),
            ("dept head: nav count", () => review.CountAsync(depthead)),
        })
        {
            var times = new List<double>();
            var rows = 0;
            for (var i = 0; i < runs + 10; i++)
            {
                var watch = Stopwatch.StartNew();
                rows = await query();
                if (i >= 10)
                {
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }
            }

            times.Sort();
            await output.WriteLineAsync($"| {name} | {Percentile(times, 0.50):N2} | {Percentile(times, 0.95):N2} | {times[^1]:N2} | {rows} |");
        }

        return 0;
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static async Task<(Actor Director, Actor DeptHead)> ReviewersAsync(IDbContextFactory<PortalDbContext> dbFactory)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var director = await db.Users.SingleAsync(u => u.UserName == "bench-director");
        var head = await db.Users.SingleAsync(u => u.UserName == "bench-head-0");
        return (new Actor(director.Id, director.UserName!, director.DisplayName, director.DepartmentId, new HashSet<string> { Roles.OfficeDirector }, null),
                new Actor(head.Id, head.UserName!, head.DisplayName, head.DepartmentId, new HashSet<string> { Roles.DeptHead }, null));
    }

    /// <summary>Requests made through the entity's own transitions, in the mix of a busy agency.</summary>
    private static async Task SeedAsync(IDbContextFactory<PortalDbContext> dbFactory, int count, TextWriter output)
    {
        var random = new Random(20261126);
        var now = DateTimeOffset.UtcNow;
        List<(Actor Officer, Actor Head)> departments;
        Actor director;
        Column[] columns;
        ReviewChain chain;
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            chain = await db.ReviewChains.SingleAsync(c => c.IsActive);
            if (!await db.Columns.AnyAsync())
            {
                db.Columns.AddRange(Enumerable.Range(1, 8).Select(i => new Column { Site = Site.External, Name = $"栏目{i}", SortOrder = i, CreatedAt = now }));
            }

            var users = new List<AppUser>();
            departments = [];
            for (var d = 0; d < 10; d++)
            {
                var department = new Department { Name = $"测试股{d}-{Guid.NewGuid():N}"[..12], SortOrder = d, CreatedAt = now };
                db.Departments.Add(department);
                await db.SaveChangesAsync();
                var officer = new AppUser { UserName = $"bench-officer-{d}", DisplayName = $"信息员{d}", DepartmentId = department.Id, CreatedAt = now, PasswordChangedAt = now, SecurityStamp = Guid.NewGuid().ToString() };
                var head = new AppUser { UserName = $"bench-head-{d}", DisplayName = $"负责人{d}", DepartmentId = department.Id, CreatedAt = now, PasswordChangedAt = now, SecurityStamp = Guid.NewGuid().ToString() };
                users.AddRange([officer, head]);
            }

            var directorUser = new AppUser { UserName = "bench-director", DisplayName = "主任", DepartmentId = (await db.Departments.FirstAsync()).Id, CreatedAt = now, PasswordChangedAt = now, SecurityStamp = Guid.NewGuid().ToString() };
            users.Add(directorUser);
            db.Users.AddRange(users);
            await db.SaveChangesAsync();
            departments = [.. Enumerable.Range(0, 10).Select(d =>
            {
                var o = users[d * 2];
                var h = users[(d * 2) + 1];
                return (new Actor(o.Id, o.UserName!, o.DisplayName, o.DepartmentId, new HashSet<string> { Roles.Officer }, null),
                        new Actor(h.Id, h.UserName!, h.DisplayName, h.DepartmentId, new HashSet<string> { Roles.DeptHead }, null));
            })];
            director = new Actor(directorUser.Id, "bench-director", "主任", directorUser.DepartmentId, new HashSet<string> { Roles.OfficeDirector }, null);
            columns = [.. await db.Columns.Where(c => c.Site == Site.External).ToArrayAsync()];
        }

        var publisher = new Actor(director.UserId, "bench-publisher", "网管", director.DepartmentId, new HashSet<string> { Roles.Publisher }, null);
        const int batch = 2000;
        for (var done = 0; done < count; done += batch)
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = 0; i < Math.Min(batch, count - done); i++)
            {
                var (officer, head) = departments[random.Next(departments.Count)];
                var at = now.AddMinutes(-random.Next(0, 60 * 24 * 365));
                var importance = random.Next(10) switch { < 7 => Importance.Normal, < 9 => Importance.Important, _ => Importance.Major };
                var column = columns[random.Next(columns.Length)];
                var content = new RequestContent($"测试信息 {done + i}：县局开展药品安全检查", "<p>正文内容。</p>", "县局办公室", ContentKind.Text, importance,
                    DateOnly.FromDateTime(at.UtcDateTime), [column.Id], true);
                var request = PublicationRequest.Create(officer, content, [], at);
                var roll = random.Next(100);
                if (roll >= 10)
                {
                    request.Submit(officer, chain, [Site.External], at.AddHours(1));
                    if (roll >= 20 && roll < 25) request.Return(head, "请修改", at.AddHours(2));
                    else if (roll >= 25)
                    {
                        request.Approve(head, "同意", at.AddHours(3));
                        if (roll >= 40)
                        {
                            request.Approve(director, "同意", at.AddHours(5));
                            if (request.Status == RequestStatus.Approved && roll >= 50) request.Publish(publisher, [column], at.AddHours(6));
                        }
                    }
                }

                db.Requests.Add(request);
            }

            db.ChangeTracker.DetectChanges();
            await db.SaveChangesAsync();
            if ((done / batch) % 10 == 0)
            {
                await output.WriteLineAsync($"  … {done + batch:N0}");
            }
        }
    }
}
