using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Tests.Features.Publishing;

/// <summary>
/// Publishing may use only the columns the reviewers approved (issue 10 item 3); the one way past
/// them is the documented intranet shortcut (rules.md §2 第四章第二条), tested in RequestJourneyTests.
/// </summary>
public sealed class PublishColumnsTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Publish_ToColumnsNobodyApproved_Is409_AndNothingGoesOnline(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var depthead = await ApiClient.SignInAsync(app, "depthead");
        using var director = await ApiClient.SignInAsync(app, "director");
        using var publisher = await ApiClient.SignInAsync(app, "publisher");
        var briefing = await officer.ColumnIdAsync("工作简报");
        var notices = await officer.ColumnIdAsync("通知公告");
        var news = await officer.ColumnIdAsync("工作动态");
        Assert.Equal("Internal", (await officer.ColumnAsync("工作简报")).GetProperty("site").GetString());
        Assert.Equal("External", (await officer.ColumnAsync("通知公告")).GetProperty("site").GetString());

        var id = await officer.DraftAsync("仅供内网的工作简报", columnIds: [briefing]);
        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await depthead.ApproveAsync(id), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await director.ApproveAsync(id), HttpStatusCode.OK);
        await ApiClient.ApproveRemainingAsync(app, id, director); // the internet needs a leader (ADR 0045)

        // The reproduction of the issue: approved for the intranet, published to two internet columns.
        var refused = await ApiClient.EnsureAsync(await publisher.PublishAsync(id, columnIds: [notices, news]), HttpStatusCode.Conflict);
        Assert.Equal("column_not_approved", refused.GetProperty("code").GetString());
        Assert.Contains("审核通过的栏目", refused.GetProperty("detail").GetString());
        Assert.Contains(notices.ToString(System.Globalization.CultureInfo.InvariantCulture), refused.GetProperty("detail").GetString());

        // The same in English for an English client, as problem+json.
        using var english = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/requests/{id}/publish") { Content = JsonContent.Create(new { columnIds = new[] { briefing, notices } }) };
        english.Headers.AcceptLanguage.ParseAdd("en-US");
        var englishResponse = await publisher.Http.SendAsync(english);
        Assert.Equal("application/problem+json", englishResponse.Content.Headers.ContentType?.MediaType);
        var englishProblem = await ApiClient.EnsureAsync(englishResponse, HttpStatusCode.Conflict);
        Assert.Contains("columns the reviewers approved", englishProblem.GetProperty("detail").GetString());

        // Scheduling to an unapproved column is refused too, not silently ignored.
        await ApiClient.EnsureAsync(await publisher.PublishAsync(id, DateTimeOffset.UtcNow.AddHours(1), [notices]), HttpStatusCode.Conflict);

        // Nothing was published anywhere.
        Assert.Equal("Approved", (await officer.GetAsync(id)).GetProperty("status").GetString());
        await using (var db = app.CreateDbContext())
        {
            Assert.False(await db.Publications.AnyAsync(p => p.RequestId == id));
        }

        using var anonymous = app.CreatePortalClient();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/articles/{id}")).StatusCode);

        // The approved column itself (named, or by default) works.
        await ApiClient.EnsureAsync(await publisher.PublishAsync(id, columnIds: [briefing]), HttpStatusCode.OK);
        var publications = (await officer.GetAsync(id)).GetProperty("publications").EnumerateArray().ToList();
        Assert.Equal([briefing], publications.Select(p => p.GetProperty("columnId").GetInt32()));
    }
}
