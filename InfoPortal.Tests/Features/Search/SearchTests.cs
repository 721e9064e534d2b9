using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using InfoPortal.Tests.TestSupport;

namespace InfoPortal.Tests.Features.Search;

/// <summary>Site search in Chinese on SQLite (FTS5 trigram + short-query scan) and PostgreSQL (pg_trgm).</summary>
public sealed class SearchTests
{
    private static async Task<int> PublishAsync(PortalFactory app, string title, string body, string column = "工作动态")
    {
        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var depthead = await ApiClient.SignInAsync(app, "depthead");
        using var director = await ApiClient.SignInAsync(app, "director");
        using var publisher = await ApiClient.SignInAsync(app, "publisher");
        var id = await officer.DraftAsync(title, columnIds: [await officer.ColumnIdAsync(column)], body: body);
        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await depthead.ApproveAsync(id), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await director.ApproveAsync(id), HttpStatusCode.OK);
        await ApiClient.ApproveRemainingAsync(app, id, director); // the internet needs a leader (ADR 0045)
        await ApiClient.EnsureAsync(await publisher.PublishAsync(id), HttpStatusCode.OK);
        return id;
    }

    private static async Task<List<int>> FindAsync(HttpClient client, string q)
    {
        var json = await client.GetFromJsonAsync<JsonElement>($"/api/v1/search?q={Uri.EscapeDataString(q)}");
        return [.. json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32())];
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ChineseQueries_OfOneTwoThreeAndSixCharacters_FindTheRightItems(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var vaccine = await PublishAsync(app, "县局开展疫苗流通专项检查", "<p>检查覆盖全县接种单位的冷链设备。</p>");
        var device = await PublishAsync(app, "医疗器械经营企业培训", "<p>培训内容包括不良事件监测。</p>");
        var drug = await PublishAsync(app, "药品零售企业检查通报", "<p>通报了三家药店的违规问题。</p>");
        using var anonymous = app.CreatePortalClient();

        Assert.Equal([vaccine], await FindAsync(anonymous, "苗"));                 // 1 character
        Assert.Equal([device], await FindAsync(anonymous, "器械"));                // 2 characters
        Assert.Equal([drug], await FindAsync(anonymous, "违规问"));                // 3 characters, body only
        Assert.Equal([vaccine], await FindAsync(anonymous, "疫苗流通专项"));       // 6 characters
        Assert.Equal(new[] { drug, vaccine }.Order(), (await FindAsync(anonymous, "检查")).Order());
        Assert.Empty(await FindAsync(anonymous, "不存在的词语"));

        var json = await anonymous.GetFromJsonAsync<JsonElement>("/api/v1/search?q=" + Uri.EscapeDataString("冷链"));
        var hit = json.GetProperty("items")[0];
        Assert.Contains("<mark>冷链</mark>", hit.GetProperty("snippet").GetString());
        Assert.Equal($"/articles/{vaccine}", hit.GetProperty("publicUrl").GetString());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TakenDownItem_IsGoneFromResultsAtOnce(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var id = await PublishAsync(app, "即将撤下的公告", "<p>这条公告会被撤下。</p>");
        using var anonymous = app.CreatePortalClient();
        Assert.Equal([id], await FindAsync(anonymous, "撤下的公告"));
        Assert.Equal([id], await FindAsync(anonymous, "公告"));

        using var publisher = await ApiClient.SignInAsync(app, "publisher");
        await ApiClient.EnsureAsync(await publisher.TakeDownAsync(id, "信息有误"), HttpStatusCode.OK);
        Assert.Empty(await FindAsync(anonymous, "撤下的公告"));
        Assert.Empty(await FindAsync(anonymous, "公告"));
    }

    [Fact]
    public async Task IntranetItems_OnlyForSignedInUsers_AndQueryTextIsEscapedOnThePage()
    {
        await using var app = new PortalFactory();
        var id = await PublishAsync(app, "政策学习资料汇编", "<p>供全局干部职工学习。</p>", column: "学习园地");
        using var anonymous = app.CreatePortalClient();
        Assert.Empty(await FindAsync(anonymous, "学习资料"));
        using var officer = await ApiClient.SignInAsync(app, "officer");
        Assert.Equal([id], await FindAsync(officer.Http, "学习资料"));

        var page = await anonymous.GetStringAsync("/search?q=" + Uri.EscapeDataString("<script>alert(1)</script>"));
        Assert.DoesNotContain("<script>alert(1)</script>", page);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", page);
        Assert.DoesNotContain("blazor.web.js", page);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Results_RankTitleHitsFirst_AndPageWithoutRepeats(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var bodyOnly1 = await PublishAsync(app, "春季安全检查安排", "<p>重点检查冷链设备运行记录。</p>");
        var title1 = await PublishAsync(app, "冷链设备专项巡查", "<p>巡查覆盖全县。</p>");
        var bodyOnly2 = await PublishAsync(app, "接种单位名单", "<p>各单位冷链设备已登记。</p>");
        var title2 = await PublishAsync(app, "冷链设备维护培训", "<p>培训在县局举行。</p>");
        var other = await PublishAsync(app, "化妆品安全宣传", "<p>宣传周活动。</p>");
        using var anonymous = app.CreatePortalClient();

        foreach (var q in new[] { "冷链", "冷链设备" })
        {
            var found = await FindAsync(anonymous, q);
            Assert.Equal(4, found.Count);
            // Title hits first, then body-only hits, each newest first (ADR 0052).
            Assert.Equal([title2, title1, bodyOnly2, bodyOnly1], found);
            Assert.DoesNotContain(other, found);

            // Pages of one, two and three (a page that ends, starts or straddles where the title hits
            // end): every hit once, in the same order, and the last page says there is no next.
            foreach (var size in new[] { 1, 2, 3 })
            {
                var paged = new List<int>();
                int? after = 0;
                var pages = 0;
                while (after is { } from)
                {
                    var json = await anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/search?q={Uri.EscapeDataString(q)}&limit={size}&after={from}");
                    paged.AddRange(json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32()));
                    after = json.GetProperty("next").ValueKind == JsonValueKind.Null ? null : json.GetProperty("next").GetInt32();
                    pages++;
                }

                Assert.Equal((4 + size - 1) / size, pages);
                Assert.Equal(found, paged);
            }
        }

        var html = await anonymous.GetStringAsync("/search?q=" + Uri.EscapeDataString("冷链"));
        Assert.Contains("<mark>冷链</mark>设备专项巡查", html);
    }

    [Fact]
    public async Task ShortQueries_OfLatinLettersAndPunctuation_StillWork()
    {
        await using var app = new PortalFactory();
        var id = await PublishAsync(app, "GSP认证检查结果", "<p>依据《药品经营质量管理规范》（GSP）。</p>");
        using var anonymous = app.CreatePortalClient();
        Assert.Equal([id], await FindAsync(anonymous, "gs"));   // case-folded, two letters
        Assert.Equal([id], await FindAsync(anonymous, "《"));   // punctuation falls back to the scan
        Assert.Empty(await FindAsync(anonymous, "SG"));
    }

    /// <summary>FTS5's own syntax typed into either search box is text: no error, no match it did not ask for.</summary>
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task FtsSyntax_TypedByAReader_IsMatchedAsText(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var id = await PublishAsync(app, "冷链设备专项巡查", "<p>巡查覆盖全县。</p>");
        using var anonymous = app.CreatePortalClient();
        using var director = await ApiClient.SignInAsync(app, "director");
        foreach (var q in new[] { "\"", "\" OR \"", "title : 冷链", "冷链\" NOT \"", "NEAR(冷 链)", "冷链*", "-冷链", "^冷", "body:巡查", "(冷链", "'; DROP TABLE Requests; --", "冷\"链" })
        {
            var site = await anonymous.GetAsync($"/api/v1/search?q={Uri.EscapeDataString(q)}");
            Assert.Equal(HttpStatusCode.OK, site.StatusCode);
            Assert.DoesNotContain(id, (await site.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32()));
            var office = await director.Http.GetAsync($"/api/v1/requests?q={Uri.EscapeDataString(q)}");
            Assert.Equal(HttpStatusCode.OK, office.StatusCode);
            Assert.DoesNotContain(id, (await office.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Select(i => i.GetProperty("id").GetInt32()));
        }

        Assert.Equal([id], await FindAsync(anonymous, "冷链设备"));
        Assert.Equal(200, (int)(await anonymous.GetAsync("/search?q=" + Uri.EscapeDataString("\" OR title : 冷"))).StatusCode);
    }

    [Fact]
    public void Highlight_EncodesEverything_ButTheMark()
    {
        Assert.Equal("&lt;b&gt;<mark>药品</mark>&amp;", InfoPortal.Features.Search.SearchService.Highlight("<b>药品&", "药品"));
    }
}
