using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using InfoPortal.Features.Columns;
using InfoPortal.Features.Requests;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Features.Search;

/// <summary>Back-office search over requests: title and body, any length, over exactly what the request list shows each user.</summary>
public sealed class RequestSearchTests
{
    private static async Task<List<JsonElement>> ListAsync(ApiClient client, string query = "") =>
        [.. (await client.Http.GetFromJsonAsync<JsonElement>("/api/v1/requests?limit=200" + query)).EnumerateArray()];

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Search_FindsTitleAndBody_WithinWhatTheUserMaySee(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var officer2 = await ApiClient.SignInAsync(app, "officer2");
        using var depthead = await ApiClient.SignInAsync(app, "depthead");
        using var director = await ApiClient.SignInAsync(app, "director");
        var draft = await officer.DraftAsync("冷链运输草稿", body: "<p>尚未提交的内容。</p>");
        var submitted = await officer.DraftAsync("疫苗接种安排", body: "<p>涉及冷链车辆调度，100% 覆盖。</p>");
        await ApiClient.EnsureAsync(await officer.SubmitAsync(submitted), HttpStatusCode.OK);
        var other = await officer2.DraftAsync("药店冷链检查", body: "<p>另一个股室的草稿。</p>");
        await ApiClient.EnsureAsync(await officer2.SubmitAsync(other), HttpStatusCode.OK);

        foreach (var client in new[] { officer, officer2, depthead, director })
        {
            // The same visibility as the list: the search result is the list filtered by the text.
            var all = await ListAsync(client);
            var expected = new List<int>();
            foreach (var item in all)
            {
                var id = item.GetProperty("id").GetInt32();
                var detail = await client.GetAsync(id);
                if ((detail.GetProperty("title").GetString() + detail.GetProperty("bodyHtml").GetString()).Contains("冷链", StringComparison.Ordinal)) expected.Add(id);
            }

            var found = (await ListAsync(client, "&q=" + Uri.EscapeDataString("冷链"))).Select(i => i.GetProperty("id").GetInt32()).ToList();
            Assert.Equal(expected, found);
        }

        Assert.Equal([submitted, draft], (await ListAsync(officer, "&q=" + Uri.EscapeDataString("冷链"))).Select(i => i.GetProperty("id").GetInt32()));
        Assert.DoesNotContain(draft, (await ListAsync(officer2, "&q=" + Uri.EscapeDataString("冷链"))).Select(i => i.GetProperty("id").GetInt32()));
        Assert.Contains(other, (await ListAsync(director, "&q=" + Uri.EscapeDataString("冷链"))).Select(i => i.GetProperty("id").GetInt32()));
        Assert.Equal([submitted], (await ListAsync(officer, "&q=" + Uri.EscapeDataString("调度"))).Select(i => i.GetProperty("id").GetInt32()));   // body only
        Assert.Equal([submitted], (await ListAsync(officer, "&q=" + Uri.EscapeDataString("苗"))).Select(i => i.GetProperty("id").GetInt32()));     // one character
        Assert.Equal([submitted], (await ListAsync(officer, "&q=" + Uri.EscapeDataString("100%"))).Select(i => i.GetProperty("id").GetInt32()));  // % is text
        Assert.Empty(await ListAsync(officer, "&q=" + Uri.EscapeDataString("%%")));
        Assert.Empty(await ListAsync(officer, "&q=" + Uri.EscapeDataString("链疫")));   // both characters are there, never side by side
        Assert.Equal([submitted], (await ListAsync(officer, "&q=" + Uri.EscapeDataString("0%"))).Select(i => i.GetProperty("id").GetInt32()));   // two characters, one of them %
        var latin = await officer.DraftAsync("PM2.5 日报");
        Assert.Equal([latin], (await ListAsync(officer, "&q=" + Uri.EscapeDataString("pm"))).Select(i => i.GetProperty("id").GetInt32()));   // any case
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Search_FollowsEdits_OfTitleAndBody(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        using var officer = await ApiClient.SignInAsync(app, "officer");
        var id = await officer.DraftAsync("冷链运输检查", body: "<p>车辆调度安排。</p>");
        Assert.Equal([id], (await ListAsync(officer, "&q=" + Uri.EscapeDataString("冷链运输"))).Select(i => i.GetProperty("id").GetInt32()));

        using (var scope = app.Services.CreateScope())
        {
            var requests = scope.ServiceProvider.GetRequiredService<RequestService>();
            var actor = await app.ActorAsync("officer");
            var before = await requests.GetAsync(actor, id);
            await requests.UpdateAsync(actor, id, new RequestInput("疫苗接种通知", [.. before.Columns.Select(c => c.ColumnId)], before.Kind, "<p>接种点开放时间。</p>",
                before.Source, before.Importance, before.EventDate, true), before.Version);
        }

        // The old words (three or more characters, one, two) are gone from the index; the new ones are in it.
        foreach (var old in new[] { "冷链运输", "冷", "调度" })
        {
            Assert.Empty(await ListAsync(officer, "&q=" + Uri.EscapeDataString(old)));
        }

        foreach (var now in new[] { "疫苗接种", "苗", "开放", "接种点开放时间" })
        {
            Assert.Equal([id], (await ListAsync(officer, "&q=" + Uri.EscapeDataString(now))).Select(i => i.GetProperty("id").GetInt32()));
        }
    }

    /// <summary>
    /// SQLite pages through the text index 500 candidates at a time (ADR 0052): 700 newer matches the
    /// officer may not see must not hide the one they may, nor cut the page short.
    /// </summary>
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Search_BeyondManyInvisibleMatches_FindsWhatTheUserMaySee(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        using var officer = await ApiClient.SignInAsync(app, "officer");
        var mine = await officer.DraftAsync("冷链专项检查（本股室）");
        var other = await app.ActorAsync("officer2");
        await using (var db = app.CreateDbContext())
        {
            var column = await db.Columns.FirstAsync(c => c.Site == Site.External);
            var now = DateTimeOffset.UtcNow;
            db.Requests.AddRange(Enumerable.Range(0, 700).Select(i => PublicationRequest.Create(other,
                new RequestContent($"冷链专项检查（第{i}批）", "<p>另一个股室的草稿。</p>", "县局办公室", ContentKind.Text, Importance.Normal,
                    DateOnly.FromDateTime(now.UtcDateTime), [column.Id], true), [], now)));
            await db.SaveChangesAsync();
        }

        foreach (var q in new[] { "冷链专项", "冷链", "链" })
        {
            Assert.Equal([mine], (await ListAsync(officer, "&q=" + Uri.EscapeDataString(q))).Select(i => i.GetProperty("id").GetInt32()));
        }

        // The other department's officer pages through all 700 of theirs, 200 at a time, newest first, none twice.
        using var officer2 = await ApiClient.SignInAsync(app, "officer2");
        var seen = new List<int>();
        string after = "";
        while (true)
        {
            var page = (await ListAsync(officer2, "&q=" + Uri.EscapeDataString("冷链专项") + after)).Select(i => i.GetProperty("id").GetInt32()).ToList();
            if (page.Count == 0) break;
            seen.AddRange(page);
            after = "&after=" + page[^1];
        }

        Assert.Equal(700, seen.Count);
        Assert.Equal(seen.OrderByDescending(i => i), seen);
        Assert.DoesNotContain(mine, seen);
    }
}
