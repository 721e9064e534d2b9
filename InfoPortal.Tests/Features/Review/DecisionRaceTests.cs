using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Tests.Features.Review;

/// <summary>
/// Issue 10 item 14: reviewers who lose a race on a step are told so (409), whether or not they
/// sent the version they loaded; only someone who could not have signed the step is refused (403).
/// </summary>
public sealed class DecisionRaceTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task FiftyParallelApprovals_WithoutVersion_OneWins_TheLosersGet409(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        using var officer = await ApiClient.SignInAsync(app, "officer");
        var id = await officer.DraftAsync("并发审核（无版本号）测试");
        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);

        // Fifty tabs of the department head on the first of two steps, none sending a version.
        using var depthead = await ApiClient.SignInAsync(app, "depthead");
        using var start = new ManualResetEventSlim(false);
        var calls = Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await depthead.DecideAsync(id, "Approve", "同意");
        })).ToList();
        start.Set();
        var responses = await Task.WhenAll(calls);

        var statuses = responses.Select(r => (int)r.StatusCode).ToList();
        Assert.True(statuses.All(s => s is 200 or 409), $"statuses: {string.Join(',', statuses.GroupBy(s => s).Select(g => $"{g.Key}×{g.Count()}"))}");
        Assert.Equal(1, statuses.Count(s => s == 200));
        Assert.Equal(49, statuses.Count(s => s == 409));
        foreach (var loser in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
        {
            var problem = await loser.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("conflict", problem.GetProperty("code").GetString());
            Assert.Contains("先", problem.GetProperty("detail").GetString());
        }

        await using var db = app.CreateDbContext();
        Assert.Equal(1, await db.Decisions.CountAsync(d => d.RequestId == id));
        Assert.Equal("OfficeDirector", (await officer.GetAsync(id)).GetProperty("currentStep").GetProperty("role").GetString());

        // Someone who could never sign that step is still refused, not told of a race.
        using var depthead2 = await ApiClient.SignInAsync(app, "depthead2");
        var outsider = await depthead2.DecideAsync(id, "Approve", "同意");
        Assert.True(outsider.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"got {(int)outsider.StatusCode}");
        using var publisher = await ApiClient.SignInAsync(app, "publisher");
        await ApiClient.EnsureAsync(await publisher.DecideAsync(id, "Approve", "同意"), HttpStatusCode.Forbidden);
    }
}
