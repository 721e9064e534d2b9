using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using InfoPortal.Tests.TestSupport;

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
    }
}
