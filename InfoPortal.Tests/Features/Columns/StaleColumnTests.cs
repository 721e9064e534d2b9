using System.Net;
using InfoPortal.Features.Columns;
using InfoPortal.Features.Columns.Governance;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Features.Columns;

/// <summary>§1 第三条: columns with no new item for their own number of days, and the daily notice to their department.</summary>
public sealed class StaleColumnTests
{
    private static readonly DateOnly Day = new(2027, 3, 1);

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Report_ListsExactlyTheStaleColumns_AndTheJobNotifiesOncePerDay(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var depthead = await ApiClient.SignInAsync(app, "depthead");
        using var director = await ApiClient.SignInAsync(app, "director");
        using var publisher = await ApiClient.SignInAsync(app, "publisher");
        string[] used = ["工作动态", "通知公告", "政策法规", "药品安全", "学习园地"];
        var columnIds = new Dictionary<string, int>();
        foreach (var name in used) columnIds[name] = await officer.ColumnIdAsync(name);
        var item = await officer.DraftAsync("栏目更新检查用信息", columnIds: [.. columnIds.Values]);
        await ApiClient.EnsureAsync(await officer.SubmitAsync(item), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await depthead.ApproveAsync(item), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await director.ApproveAsync(item), HttpStatusCode.OK);
        await ApiClient.ApproveRemainingAsync(app, item, director); // the internet needs a leader (ADR 0045)
        await ApiClient.EnsureAsync(await publisher.PublishAsync(item), HttpStatusCode.OK);

        using var scope = app.Services.CreateScope();
        var job = scope.ServiceProvider.GetRequiredService<StaleColumnJob>();
        var asOf = job.EndOf(Day);
        await using (var db = app.CreateDbContext())
        {
            // The seeded clock: every column is 100 days old at the end of the day…
            await db.Columns.ExecuteUpdateAsync(s => s.SetProperty(c => c.CreatedAt, asOf.AddDays(-100)));
            // …except 医疗器械, opened five days ago (fresh without any item), and 互动交流, retired.
            await db.Columns.Where(c => c.Name == "医疗器械").ExecuteUpdateAsync(s => s.SetProperty(c => c.CreatedAt, asOf.AddDays(-5)));
            await db.Columns.Where(c => c.Name == "互动交流").ExecuteUpdateAsync(s => s.SetProperty(c => c.IsRetired, true));
            await db.Columns.Where(c => c.Name == "政策法规").ExecuteUpdateAsync(s => s.SetProperty(c => c.StaleAfterDays, 7));
            var published = new Dictionary<string, DateTimeOffset>
            {
                ["工作动态"] = asOf.AddDays(-10),   // fresh (30 days)
                ["通知公告"] = asOf.AddDays(-40),   // stale
                ["政策法规"] = asOf.AddDays(-8),    // stale by its own 7 days
                ["药品安全"] = asOf.AddDays(2),     // after the day: does not count, so stale since creation
                ["学习园地"] = asOf.AddDays(-1),    // fresh
            };
            foreach (var (name, at) in published)
            {
                var id = columnIds[name];
                await db.Publications.Where(p => p.ColumnId == id).ExecuteUpdateAsync(s => s.SetProperty(p => p.PublishedAt, at));
            }
        }

        var report = scope.ServiceProvider.GetRequiredService<StaleColumnReport>();
        var stale = await report.GetAsync(asOf);
        Assert.Equal(["通知公告", "政策法规", "药品安全", "内部通知", "工作简报", "规章制度", "通报"], stale.Select(s => s.Name));
        var notice = stale.Single(s => s.Name == "通知公告");
        Assert.Equal(40, notice.DaysWithoutUpdate);
        Assert.Equal(asOf.AddDays(-40), notice.LastPublishedAt);
        Assert.Null(stale.Single(s => s.Name == "药品安全").LastPublishedAt);
        Assert.Equal(100, stale.Single(s => s.Name == "药品安全").DaysWithoutUpdate);
        Assert.Equal("综合股", stale.Single(s => s.Name == "政策法规").DepartmentName);

        // Once per column per day: the rerun sends nothing; the next day reminds again.
        Assert.Equal(7, await job.RunAsync(Day));
        Assert.Equal(0, await job.RunAsync(Day));
        await using (var db = app.CreateDbContext())
        {
            async Task<List<string>> ToldAsync(string user)
            {
                var userId = await db.Users.Where(u => u.UserName == user).Select(u => u.Id).SingleAsync();
                var rows = await db.Notifications.Where(n => n.UserId == userId && n.Kind == StaleColumnJob.NotificationKind).Select(n => n.Args).ToListAsync();
                return [.. rows.Select(a => System.Text.Json.JsonSerializer.Deserialize<string[]>(a)![0]).Order()];
            }

            Assert.Equal(["工作简报", "政策法规"], await ToldAsync("officer"));      // 综合股's officer
            Assert.Equal(["工作简报", "政策法规"], await ToldAsync("depthead"));     // and its head
            Assert.Equal(["药品安全"], await ToldAsync("officer2"));
            Assert.Equal(["内部通知", "规章制度", "通报", "通知公告"], await ToldAsync("director")); // head of 办公室
            Assert.Empty(await ToldAsync("depthead3"));
            Assert.Equal(7, await db.StaleColumnNotices.CountAsync(n => n.Day == Day));
        }

        Assert.Equal(7, await job.RunAsync(Day.AddDays(1)));
        Assert.Equal(0, await job.RunAsync(Day.AddDays(1)));
    }

    [Fact]
    public async Task StalePage_And_Api_ShowTheReport()
    {
        await using var app = new PortalFactory();
        await using (var db = app.CreateDbContext())
        {
            await db.Columns.Where(c => c.Name == "通知公告").ExecuteUpdateAsync(s => s.SetProperty(c => c.CreatedAt, DateTimeOffset.UtcNow.AddDays(-45)));
        }

        using var publisher = await ApiClient.SignInAsync(app, "publisher");
        var json = await ApiClient.EnsureAsync(await publisher.Http.GetAsync("/api/v1/columns/stale"), HttpStatusCode.OK);
        var rows = json.EnumerateArray().ToList();
        Assert.Equal(["通知公告"], rows.Select(r => r.GetProperty("name").GetString()));
        Assert.Equal(45, rows[0].GetProperty("daysWithoutUpdate").GetInt32());
        Assert.Equal(Site.External.ToString(), rows[0].GetProperty("site").GetString());
    }
}
