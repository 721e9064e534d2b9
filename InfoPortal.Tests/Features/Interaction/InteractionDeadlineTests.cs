using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using InfoPortal.Features.Interaction;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Features.Interaction;

/// <summary>Deadlines from configuration, the overdue flag, the daily reminder, extensions.</summary>
public sealed class InteractionDeadlineTests
{
    [Fact]
    public async Task Deadline_UsesConfiguredWorkingDaysHolidaysAndExtraDays()
    {
        var today = AgencyDate.Today;
        // The next weekday is a holiday; the next Saturday is a working day.
        var holiday = today.AddDays(1);
        while (holiday.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            holiday = holiday.AddDays(1);
        }

        var saturday = today.AddDays(1);
        while (saturday.DayOfWeek != DayOfWeek.Saturday)
        {
            saturday = saturday.AddDays(1);
        }

        await using var app = new PortalFactory()
            .With("Interaction:ReplyWorkingDays", "3")
            .With("Interaction:Holidays:0", holiday.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))
            .With("Interaction:ExtraWorkingDays:0", saturday.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        using var client = app.CreatePortalClient();
        var (ticket, code) = await InteractionApi.LeaveOkAsync(client);

        // Counted independently: three days after today that are weekdays and not the holiday, or the working Saturday.
        var expected = today;
        for (var left = 3; left > 0;)
        {
            expected = expected.AddDays(1);
            if (expected == saturday || (expected.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && expected != holiday))
            {
                left--;
            }
        }

        var lookup = await ApiClient.EnsureAsync(await InteractionApi.LookupAsync(client, ticket, code), HttpStatusCode.OK);
        Assert.Equal(expected.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), lookup.GetProperty("deadline").GetString());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Overdue_IsFlaggedInQueues_AndTheReminderFiresOncePerDay(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        using var client = app.CreatePortalClient();
        using var publisher = await ApiClient.SignInAsync(app, "publisher");
        var (lateTicket, _) = await InteractionApi.LeaveOkAsync(client, InteractionApi.Message(subject: "逾期的留言"));
        var (freshTicket, _) = await InteractionApi.LeaveOkAsync(client, InteractionApi.Message(subject: "未逾期的留言"));
        var late = await InteractionApi.IdOfAsync(publisher, lateTicket);
        var fresh = await InteractionApi.IdOfAsync(publisher, freshTicket);
        var today = AgencyDate.Today;
        await using (var db = app.CreateDbContext())
        {
            await db.InteractionMessages.Where(m => m.Id == late).ExecuteUpdateAsync(s => s.SetProperty(m => m.DueOn, today.AddDays(-1)));
        }

        var overdue = await publisher.Http.GetFromJsonAsync<JsonElement>("/api/v1/interaction/messages?queue=Incoming&overdue=true");
        Assert.Equal([late], overdue.EnumerateArray().Select(m => m.GetProperty("id").GetInt32()));
        Assert.True(overdue[0].GetProperty("overdue").GetBoolean());
        var all = await publisher.Http.GetFromJsonAsync<JsonElement>("/api/v1/interaction/messages?queue=Incoming");
        Assert.False(all.EnumerateArray().Single(m => m.GetProperty("id").GetInt32() == fresh).GetProperty("overdue").GetBoolean());

        async Task<int> RunAsync(DateOnly day)
        {
            using var scope = app.Services.CreateScope();
            return await scope.ServiceProvider.GetRequiredService<InteractionReminderJob>().RunAsync(day);
        }

        Assert.Equal(1, await RunAsync(today));
        Assert.Equal(0, await RunAsync(today));

        // Unassigned: the Publisher is reminded. Assigned: the department's officers, the next day.
        await using var check = app.CreateDbContext();
        var publisherId = (await check.Users.SingleAsync(u => u.UserName == "publisher")).Id;
        var officerId = (await check.Users.SingleAsync(u => u.UserName == "officer")).Id;
        var officer2Id = (await check.Users.SingleAsync(u => u.UserName == "officer2")).Id;
        Assert.Equal(1, await check.Notifications.CountAsync(n => n.Kind == InteractionNotifications.Overdue && n.UserId == publisherId && n.Href == $"/office/interaction/{late}"));
        Assert.False(await check.Notifications.AnyAsync(n => n.Kind == InteractionNotifications.Overdue && n.Href == $"/office/interaction/{fresh}"));

        await ApiClient.EnsureAsync(await InteractionApi.AssignAsync(publisher, late, await InteractionApi.DepartmentIdAsync(publisher, "综合股")), HttpStatusCode.OK);
        Assert.Equal(1, await RunAsync(today.AddDays(1)));
        Assert.Equal(0, await RunAsync(today.AddDays(1)));
        Assert.Equal(1, await check.Notifications.CountAsync(n => n.Kind == InteractionNotifications.Overdue && n.UserId == officerId));
        Assert.False(await check.Notifications.AnyAsync(n => n.Kind == InteractionNotifications.Overdue && n.UserId == officer2Id));
        Assert.Equal(2, await check.InteractionReminders.CountAsync(r => r.MessageId == late));

        // Answered messages are no longer overdue.
        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var head = await ApiClient.SignInAsync(app, "depthead");
        await ApiClient.EnsureAsync(await InteractionApi.ReplyAsync(officer, late, "已处理。"), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await InteractionApi.DecideAsync(head, late, "Approve"), HttpStatusCode.OK);
        Assert.Equal(0, await RunAsync(today.AddDays(2)));
    }

    [Fact]
    public async Task Extension_NeedsReason_MovesDeadlineByWorkingDays_AndIsAudited()
    {
        await using var app = new PortalFactory();
        using var client = app.CreatePortalClient();
        using var publisher = await ApiClient.SignInAsync(app, "publisher");
        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var head2 = await ApiClient.SignInAsync(app, "depthead2");
        using var head = await ApiClient.SignInAsync(app, "depthead");
        var (ticket, _) = await InteractionApi.LeaveOkAsync(client);
        var id = await InteractionApi.IdOfAsync(publisher, ticket);
        await ApiClient.EnsureAsync(await InteractionApi.AssignAsync(publisher, id, await InteractionApi.DepartmentIdAsync(publisher, "综合股")), HttpStatusCode.OK);
        var before = DateOnly.Parse((await publisher.Http.GetFromJsonAsync<JsonElement>($"/api/v1/interaction/messages/{id}")).GetProperty("dueOn").GetString()!, System.Globalization.CultureInfo.InvariantCulture);

        var noReason = await ApiClient.EnsureAsync(await head.Http.PostAsJsonAsync($"/api/v1/interaction/messages/{id}/extend", new { workingDays = 3 }), HttpStatusCode.BadRequest);
        Assert.True(noReason.GetProperty("errors").TryGetProperty("reason", out _));
        await ApiClient.EnsureAsync(await officer.Http.PostAsJsonAsync($"/api/v1/interaction/messages/{id}/extend", new { workingDays = 3, reason = "需要现场核查" }), HttpStatusCode.Forbidden);
        await ApiClient.EnsureAsync(await head2.Http.PostAsJsonAsync($"/api/v1/interaction/messages/{id}/extend", new { workingDays = 3, reason = "需要现场核查" }), HttpStatusCode.Forbidden);
        var extended = await ApiClient.EnsureAsync(await head.Http.PostAsJsonAsync($"/api/v1/interaction/messages/{id}/extend", new { workingDays = 3, reason = "需要现场核查" }), HttpStatusCode.OK);

        using var scope = app.Services.CreateScope();
        var calendar = scope.ServiceProvider.GetRequiredService<InteractionService>().Calendar;
        Assert.Equal(calendar.AddWorkingDays(before, 3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), extended.GetProperty("dueOn").GetString());
        await using var db = app.CreateDbContext();
        var audit = await db.AuditRecords.SingleAsync(a => a.Target == $"message:{id}" && a.Action == "MessageExtended");
        Assert.Contains("需要现场核查", audit.Detail, StringComparison.Ordinal);
        Assert.Equal("depthead", audit.ActorName);
    }
}
