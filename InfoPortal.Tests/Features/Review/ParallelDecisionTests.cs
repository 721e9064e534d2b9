using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Tests.Features.Review;

/// <summary>Twenty reviewers press approve on the same step at the same moment.</summary>
public sealed class ParallelDecisionTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TwentyConcurrentApprovals_ExactlyOneWins_OthersGet409(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var director = await ApiClient.SignInAsync(app, "director");
        using var depthead = await ApiClient.SignInAsync(app, "depthead");
        var id = await officer.DraftAsync("并发审核测试");
        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await depthead.ApproveAsync(id), HttpStatusCode.OK);
        var version = (await officer.GetAsync(id)).GetProperty("version").GetInt32();

        // Twenty browser tabs of the office director, all loaded at the same version. Tabs share
        // one sign-in: a second sign-in would end the first (one session per account).
        var tabs = new List<ApiClient>();
        for (var i = 0; i < 20; i++)
        {
            tabs.Add(director.NewTab(app));
        }

        using var start = new ManualResetEventSlim(false);
        var calls = tabs.Select(tab => Task.Run(async () =>
        {
            start.Wait();
            return await tab.DecideAsync(id, "Approve", "同意", version);
        })).ToList();
        start.Set();
        var responses = await Task.WhenAll(calls);

        var statuses = responses.Select(r => r.StatusCode).ToList();
        var bodies = string.Join("\n", await Task.WhenAll(responses.Where(r => r.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.Conflict)).Select(r => r.Content.ReadAsStringAsync())));
        Assert.True(statuses.All(s => s is HttpStatusCode.OK or HttpStatusCode.Conflict), $"statuses: {string.Join(',', statuses.Select(s => (int)s))}\n{bodies}");
        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(19, statuses.Count(s => s == HttpStatusCode.Conflict));
        foreach (var loser in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
        {
            var problem = await loser.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("conflict", problem.GetProperty("code").GetString());
            Assert.Contains("先", problem.GetProperty("detail").GetString());
        }

        await using var db = app.CreateDbContext();
        Assert.Equal(1, await db.Decisions.CountAsync(d => d.RequestId == id && d.Role == "OfficeDirector"));
        var after = await officer.GetAsync(id);
        Assert.Equal("InReview", after.GetProperty("status").GetString()); // the winner moved it on, once
        Assert.Equal("Leader", after.GetProperty("currentStep").GetProperty("role").GetString()); // the internet ends with a leader (ADR 0045)
        foreach (var tab in tabs)
        {
            tab.Dispose();
        }
    }
}
