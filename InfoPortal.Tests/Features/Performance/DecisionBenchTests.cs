using InfoPortal.Data;
using InfoPortal.Features.Requests;
using InfoPortal.Benchmarks.Commands;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Tests.Features.Performance;

/// <summary>
/// <c>bench decisions</c> stays runnable: on a small scale it decides through the real services on
/// both providers and prints its four rows. Its figures are read from the Release run, never here.
/// </summary>
public sealed class DecisionBenchTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Bench_SmallRun_DecidesEveryPhaseThroughTheServicesAndPrintsFourRows(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var output = new StringWriter();

        Assert.Equal(0, await DecisionBench.RunAsync(app.Services, ["bench", "decisions", "--decisions", "4", "--clients", "2", "--rate", "50"], output));

        var rows = output.ToString().Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| what", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, rows.Count);
        await using var db = app.CreateDbContext();
        // 20 warm-up + 3 phases of 4, each an approval at the first step with its audit record.
        var benchRequests = db.Requests.Where(r => r.Title.StartsWith("县局开展第"));
        Assert.Equal(32, await benchRequests.CountAsync());
        Assert.Equal(32, await benchRequests.CountAsync(r => r.CurrentStepIndex == 1 && r.Status == RequestStatus.InReview));
        var targets = (await benchRequests.Select(r => r.Id).ToListAsync()).Select(id => $"request:{id}").ToList();
        Assert.Equal(32, await db.AuditRecords.CountAsync(a => a.Action == "RequestApproved" && targets.Contains(a.Target!)));
    }
}
