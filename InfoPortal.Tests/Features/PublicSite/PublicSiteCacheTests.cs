using System.Net;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Columns;
using InfoPortal.Features.Columns.Governance;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Features.PublicSite;

/// <summary>
/// The public pages come from the output cache (ADR 0028) and every change that shows on them
/// evicts them at once: takedown, publish, column rename. A change made behind the app's back
/// (raw SQL) proves that a page really is served from the cache until its tag is evicted.
/// </summary>
public sealed class PublicSiteCacheTests
{
    private static async Task<int> PublishAsync(PortalFactory app, string title)
    {
        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var depthead = await ApiClient.SignInAsync(app, "depthead");
        using var director = await ApiClient.SignInAsync(app, "director");
        using var publisher = await ApiClient.SignInAsync(app, "publisher");
        var id = await officer.DraftAsync(title, columnIds: [await officer.ColumnIdAsync("工作动态")], body: "<p>缓存测试正文。</p>");
        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await depthead.ApproveAsync(id), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await director.ApproveAsync(id), HttpStatusCode.OK);
        await ApiClient.ApproveRemainingAsync(app, id, director); // the internet needs a leader (ADR 0045)
        await ApiClient.EnsureAsync(await publisher.PublishAsync(id), HttpStatusCode.OK);
        return id;
    }

    /// <summary>Changes the stored title without the app knowing: only an eviction can show it.</summary>
    private static async Task RetitleBehindTheAppsBackAsync(PortalFactory app, int id, string title)
    {
        await using var db = app.CreateDbContext();
        Assert.Equal(1, await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE \"Requests\" SET \"Title\" = {title} WHERE \"Id\" = {id}"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Takedown_EvictsTheCachedArticle_NextReadIsGone(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var id = await PublishAsync(app, "缓存中的文章");
        using var reader = app.CreatePortalClient();

        var first = await reader.GetAsync($"/articles/{id}");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.False(first.Headers.Contains("Set-Cookie"));
        Assert.Contains("缓存中的文章", await reader.GetStringAsync("/"));
        await RetitleBehindTheAppsBackAsync(app, id, "改过的标题");
        var cached = await reader.GetStringAsync("/");
        Assert.Contains("缓存中的文章", cached);
        Assert.DoesNotContain("改过的标题", cached);

        using var publisher = await ApiClient.SignInAsync(app, "publisher");
        await ApiClient.EnsureAsync(await publisher.TakeDownAsync(id, "信息有误"), HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.Gone, (await reader.GetAsync($"/articles/{id}")).StatusCode);
        var home = await reader.GetStringAsync("/");
        Assert.DoesNotContain("缓存中的文章", home);
        Assert.DoesNotContain("改过的标题", home);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Takedown_OnOneInstance_EvictsTheOtherInstancesCachedPage(string provider)
    {
        // PostgreSQL: the version check is pushed out of reach, so only LISTEN/NOTIFY can evict in
        // time (goal: within 1 s). SQLite has no notifications; its version check runs twice a second.
        var checkSeconds = provider == "Postgres" ? "600" : "0.5";
        await using var first = await PortalFactory.CreateAsync(provider, f => f.With("Cluster:CheckSeconds", checkSeconds));
        await using var second = new PortalFactory(provider, provider == "Postgres" ? first.ConnectionString : null)
            .With("ConnectionStrings:Portal", first.ConnectionString)
            .With("Storage:Root", first.StorageRoot)
            .With("Cluster:CheckSeconds", checkSeconds);
        await first.Services.GetRequiredService<InfoPortal.Infrastructure.Cluster.ClusterSignalListener>().Listening.WaitAsync(TimeSpan.FromSeconds(30));
        await second.Services.GetRequiredService<InfoPortal.Infrastructure.Cluster.ClusterSignalListener>().Listening.WaitAsync(TimeSpan.FromSeconds(30));

        var id = await PublishAsync(first, "两台实例上的文章");
        using var reader = second.CreatePortalClient();
        Assert.Contains("两台实例上的文章", await reader.GetStringAsync($"/articles/{id}"));
        await RetitleBehindTheAppsBackAsync(first, id, "背后改过的标题");
        Assert.Contains("两台实例上的文章", await reader.GetStringAsync($"/articles/{id}")); // served from the second's cache

        using var publisher = await ApiClient.SignInAsync(first, "publisher");
        await ApiClient.EnsureAsync(await publisher.TakeDownAsync(id, "信息有误"), HttpStatusCode.OK);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(provider == "Postgres" ? 1 : 5);
        HttpStatusCode status;
        while ((status = (await reader.GetAsync($"/articles/{id}")).StatusCode) != HttpStatusCode.Gone && watch.Elapsed < deadline)
        {
            await Task.Delay(20);
        }

        Assert.True(status == HttpStatusCode.Gone, $"the second instance still answered {status} {watch.Elapsed.TotalMilliseconds:F0} ms after the takedown");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Publish_ShowsOnTheCachedHomeAndColumnPage_AtOnce(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var first = await PublishAsync(app, "第一篇缓存文章");
        using var reader = app.CreatePortalClient();
        await using (var db = app.CreateDbContext())
        {
            var column = await db.Columns.SingleAsync(c => c.Name == "工作动态");
            Assert.Contains("第一篇缓存文章", await reader.GetStringAsync($"/columns/{column.Id}"));
        }

        Assert.Contains("第一篇缓存文章", await reader.GetStringAsync("/"));
        await RetitleBehindTheAppsBackAsync(app, first, "偷偷改过的标题");
        Assert.DoesNotContain("偷偷改过的标题", await reader.GetStringAsync("/"));

        await PublishAsync(app, "第二篇缓存文章");

        var home = await reader.GetStringAsync("/");
        Assert.Contains("第二篇缓存文章", home);
        Assert.Contains("偷偷改过的标题", home);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ColumnRename_ShowsOnEveryCachedPage_AtOnce(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var id = await PublishAsync(app, "栏目改名前的文章");
        using var reader = app.CreatePortalClient();
        Assert.Contains("工作动态", await reader.GetStringAsync($"/articles/{id}"));
        Assert.Contains("工作动态", await reader.GetStringAsync("/"));

        int columnId;
        await using (var db = app.CreateDbContext())
        {
            columnId = (await db.Columns.SingleAsync(c => c.Name == "工作动态")).Id;
        }

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var changes = scope.ServiceProvider.GetRequiredService<ColumnChangeService>();
            var change = await changes.ProposeAsync(await ActorAsync(app, "director"), new ColumnChangeInput(ColumnChangeKind.Rename, Site.External, "栏目更名。", ColumnId: columnId, Name: "本局要闻"));
            await changes.ApproveAsync(await ActorAsync(app, "leader"), change.Id, "同意。", null);
            await changes.ApplyAsync(await ActorAsync(app, "publisher"), change.Id, null);
        }

        var article = await reader.GetStringAsync($"/articles/{id}");
        Assert.Contains("本局要闻", article);
        Assert.DoesNotContain("工作动态", article);
        Assert.Contains("本局要闻", await reader.GetStringAsync("/"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Head_OnPublicPages_AnswersLikeGet(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var live = await PublishAsync(app, "HEAD 测试文章");
        var gone = await PublishAsync(app, "HEAD 测试已撤文章");
        using (var publisher = await ApiClient.SignInAsync(app, "publisher"))
        {
            await ApiClient.EnsureAsync(await publisher.TakeDownAsync(gone, "信息有误"), HttpStatusCode.OK);
        }

        int columnId;
        await using (var db = app.CreateDbContext())
        {
            columnId = (await db.Columns.SingleAsync(c => c.Name == "工作动态")).Id;
        }

        using var reader = app.CreatePortalClient();
        foreach (var path in new[] { "/", $"/columns/{columnId}", $"/articles/{live}", $"/articles/{gone}", "/articles/999999", "/interaction", "/search?q=测试" })
        {
            var get = await reader.GetAsync(path);
            using var headRequest = new HttpRequestMessage(HttpMethod.Head, path);
            var head = await reader.SendAsync(headRequest);
            Assert.True(get.StatusCode == head.StatusCode, $"{path}: GET {get.StatusCode}, HEAD {head.StatusCode}");
        }

        Assert.Equal(HttpStatusCode.OK, (await reader.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/articles/{live}"))).StatusCode);
    }

    private static async Task<Actor> ActorAsync(PortalFactory app, string userName)
    {
        await using var db = app.CreateDbContext();
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.UserName == userName);
        var roles = await db.UserRoles.Where(r => r.UserId == user.Id).Join(db.Roles, r => r.RoleId, r => r.Id, (_, r) => r.Name!).ToListAsync();
        return new Actor(user.Id, userName, user.DisplayName, user.DepartmentId, roles.ToHashSet(StringComparer.Ordinal), "127.0.0.1");
    }
}
