using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Requests;
using InfoPortal.Features.Review;
using InfoPortal.Benchmarks.Commands;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Features.Performance;

/// <summary>
/// Issue 12 item 7: the benches' bulk seeder writes rows with SQL, past the entities. What it wrote
/// must read back through the app as the app's own rows would: every request with its decisions,
/// the queues and their counts, the back-office search (the text triggers fired), and a second
/// seeding adds to the first with the same people.
/// </summary>
public sealed class BulkSeederTests
{
    [Fact]
    public async Task SeededRequests_ReadBackThroughTheApp_QueuesCountsAndSearch()
    {
        await using var app = new PortalFactory();
        var dbFactory = app.Services.GetRequiredService<IDbContextFactory<InfoPortal.Data.PortalDbContext>>();
        var now = DateTimeOffset.UtcNow;
        await BulkSeeder.SeedAsync(dbFactory, 2_000, now.AddYears(-1), now, TextWriter.Null);
        await BulkSeeder.SeedAsync(dbFactory, 1_000, now.AddMonths(-1), now, TextWriter.Null);

        await using var db = app.CreateDbContext();
        var requests = await db.Requests.AsNoTracking().Include(r => r.Decisions).Include(r => r.Columns).ToListAsync();
        Assert.Equal(3_000, requests.Count);
        Assert.Equal(3_000, requests.Select(r => r.Id).Distinct().Count());
        Assert.Equal(10, await db.Users.CountAsync(u => u.UserName!.StartsWith("bench-head-")));

        // The mix a busy agency has, each status in it, and each state coherent with its decisions.
        var statuses = requests.GroupBy(r => r.Status).ToDictionary(g => g.Key, g => g.Count());
        foreach (var status in new[] { RequestStatus.Draft, RequestStatus.Returned, RequestStatus.InReview, RequestStatus.Approved, RequestStatus.Published })
        {
            Assert.True(statuses.GetValueOrDefault(status) > 0, $"no {status} among {string.Join(", ", statuses)}");
        }

        Assert.All(requests, r =>
        {
            Assert.Single(r.Columns);
            Assert.Equal(2, r.PlannedSteps.Count);
            Assert.Equal(r.Status == RequestStatus.InReview, r.CurrentRole is not null);
            Assert.Equal(r.Status == RequestStatus.Draft, r.SubmittedAt is null);
            if (r.Status is RequestStatus.Approved or RequestStatus.Published or RequestStatus.TakenDown)
            {
                Assert.Equal([Roles.DeptHead, Roles.OfficeDirector], r.Decisions.Where(d => d.Round == r.Round && d.Outcome == DecisionOutcome.Approve).OrderBy(d => d.StepIndex).Select(d => d.Role));
                Assert.True(r.Decisions.All(d => d.DecidedAt <= r.ApprovedAt!.Value));
            }

            if (r.Status == RequestStatus.Published)
            {
                Assert.True(r.PublishedAt > r.ApprovedAt);
            }
        });

        // The queues and their counts as the reviewers see them.
        var (director, head) = await BulkSeeder.ReviewersAsync(dbFactory);
        await using var scope = app.Services.CreateAsyncScope();
        var review = scope.ServiceProvider.GetRequiredService<ReviewService>();
        var atDirector = requests.Count(r => r.Status == RequestStatus.InReview && r.CurrentRole == Roles.OfficeDirector);
        var atHead = requests.Count(r => r.Status == RequestStatus.InReview && r.CurrentRole == Roles.DeptHead && r.DepartmentId == head.DepartmentId);
        Assert.True(atDirector > 0 && atHead > 0, $"{atDirector} at the director, {atHead} at the head");
        Assert.Equal(atDirector, await review.CountUncappedAsync(director));
        Assert.Equal(atHead, await review.CountUncappedAsync(head));
        var headQueue = await review.QueueAsync(head, new QueueFilter(Limit: 200));
        Assert.Equal(Math.Min(atHead, 200), headQueue.Count);
        Assert.All(headQueue, item => Assert.Equal(head.DepartmentId, item.DepartmentId));

        // The back-office search reads the text indexes the insert triggers filled.
        var search = scope.ServiceProvider.GetRequiredService<RequestService>();
        var one = requests[1234];
        var found = await search.ListAsync(director, new RequestFilter(Query: one.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) + "："));
        Assert.Equal(one.Id, Assert.Single(found).Id);
        Assert.Equal(50, (await search.ListAsync(director, new RequestFilter(Query: "药品安全"))).Count);
    }
}
