using System.Net;
using InfoPortal.Features.Review;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Features.Review;

public sealed class OverdueReminderTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task OverdueStep_RemindsItsReviewersOncePerDay(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        using var officer = await ApiClient.SignInAsync(app, "officer");
        var late = await officer.DraftAsync("逾期未审的稿件");
        var fresh = await officer.DraftAsync("刚提交的稿件");
        await ApiClient.EnsureAsync(await officer.SubmitAsync(late), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await officer.SubmitAsync(fresh), HttpStatusCode.OK);
        await using (var db = app.CreateDbContext())
        {
            var threeDaysAgo = DateTimeOffset.UtcNow.AddDays(-3);
            await db.Requests.Where(r => r.Id == late).ExecuteUpdateAsync(s => s.SetProperty(r => r.CurrentStepSince, threeDaysAgo));
        }

        for (var run = 0; run < 2; run++)
        {
            using var scope = app.Services.CreateScope();
            var sent = await scope.ServiceProvider.GetRequiredService<OverdueReminderService>().RemindAsync();
            Assert.Equal(run == 0 ? 1 : 0, sent);
        }

        await using var check = app.CreateDbContext();
        var depthead = await check.Users.SingleAsync(u => u.UserName == "depthead");
        var depthead2 = await check.Users.SingleAsync(u => u.UserName == "depthead2");
        Assert.Equal(1, await check.Notifications.CountAsync(n => n.Kind == "Overdue" && n.UserId == depthead.Id && n.Href == $"/office/requests/{late}"));
        Assert.False(await check.Notifications.AnyAsync(n => n.Kind == "Overdue" && n.Href == $"/office/requests/{fresh}"));
        Assert.False(await check.Notifications.AnyAsync(n => n.Kind == "Overdue" && n.UserId == depthead2.Id));

        // The queue flags it too.
        using var reviewer = await ApiClient.SignInAsync(app, "depthead");
        var overdue = await reviewer.QueueAsync("?overdue=true");
        Assert.Equal([late], overdue.EnumerateArray().Select(i => i.GetProperty("id").GetInt32()));
        Assert.True(overdue[0].GetProperty("overdue").GetBoolean());
    }
}
