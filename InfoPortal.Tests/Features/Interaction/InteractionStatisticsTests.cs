using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using InfoPortal.Features.Interaction;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Features.Interaction;

/// <summary>Received, answered, answered on time and median reply time per department and month, in SQL on both providers.</summary>
public sealed class InteractionStatisticsTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Monthly_CountsPerDepartment_WithMedianAndOnTime(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider, f => f.With("Interaction:MessagesPerIpPerHour", "100"));
        using var client = app.CreatePortalClient();
        var tickets = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            tickets.Add((await InteractionApi.LeaveOkAsync(client, InteractionApi.Message(subject: $"统计用留言{i}", contact: null))).Ticket);
        }

        // 综合股: 0,1,2 answered; 药品监管股: 3,4 answered; 5 unassigned; 6 moved to last month.
        using var publisher = await ApiClient.SignInAsync(app, "publisher");
        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var head = await ApiClient.SignInAsync(app, "depthead");
        using var officer2 = await ApiClient.SignInAsync(app, "officer2");
        using var head2 = await ApiClient.SignInAsync(app, "depthead2");
        var general = await InteractionApi.DepartmentIdAsync(publisher, "综合股");
        var drugs = await InteractionApi.DepartmentIdAsync(publisher, "药品监管股");
        var ids = new List<int>();
        foreach (var ticket in tickets)
        {
            ids.Add(await InteractionApi.IdOfAsync(publisher, ticket));
        }

        for (var i = 0; i < 5; i++)
        {
            var (o, h, d) = i < 3 ? (officer, head, general) : (officer2, head2, drugs);
            await ApiClient.EnsureAsync(await InteractionApi.AssignAsync(publisher, ids[i], d), HttpStatusCode.OK);
            await ApiClient.EnsureAsync(await InteractionApi.ReplyAsync(o, ids[i], "答复。"), HttpStatusCode.OK);
            await ApiClient.EnsureAsync(await InteractionApi.DecideAsync(h, ids[i], "Approve"), HttpStatusCode.OK);
        }

        await ApiClient.EnsureAsync(await InteractionApi.AssignAsync(publisher, ids[6], general), HttpStatusCode.OK);
        var today = AgencyDate.Today;
        await using (var db = app.CreateDbContext())
        {
            int[] minutes = [60, 600, 180, 60, 120];
            for (var i = 0; i < 5; i++)
            {
                var id = ids[i];
                var m = minutes[i];
                await db.InteractionMessages.Where(x => x.Id == id).ExecuteUpdateAsync(s => s.SetProperty(x => x.ReplyMinutes, m));
            }

            // Message 1 was answered after its deadline.
            var late = ids[1];
            var message = await db.InteractionMessages.SingleAsync(x => x.Id == late);
            var after = message.DueOn.AddDays(1);
            await db.InteractionMessages.Where(x => x.Id == late).ExecuteUpdateAsync(s => s.SetProperty(x => x.AnsweredOn, after));
            var lastMonth = new DateOnly(today.Year, today.Month, 1).AddDays(-3);
            var moved = ids[6];
            await db.InteractionMessages.Where(x => x.Id == moved).ExecuteUpdateAsync(s => s.SetProperty(x => x.ReceivedOn, lastMonth));
        }

        using var scope = app.Services.CreateScope();
        var statistics = scope.ServiceProvider.GetRequiredService<InteractionStatistics>();
        var rows = await statistics.MonthlyAsync(today.Year, today.Month);
        Assert.Equal(3, rows.Count);
        var g = rows.Single(r => r.DepartmentId == general);
        Assert.Equal(("综合股", 3, 3, 2, 1, 3.0), (g.Department, g.Received, g.Answered, g.AnsweredOnTime, g.AnsweredLate, g.MedianReplyHours!.Value));
        var d2 = rows.Single(r => r.DepartmentId == drugs);
        Assert.Equal((2, 2, 2, 1.5), (d2.Received, d2.Answered, d2.AnsweredOnTime, d2.MedianReplyHours!.Value)); // even count: mean of the middle two
        var unassigned = rows.Single(r => r.DepartmentId is null);
        Assert.Equal((1, 0, 0, 0), (unassigned.Received, unassigned.Answered, unassigned.AnsweredOnTime, unassigned.OpenOverdue));
        Assert.Null(unassigned.MedianReplyHours);
        Assert.Equal(1, g.Late);

        // Judged a month later, the open message is past its deadline.
        var later = (await statistics.MonthlyAsync(today.Year, today.Month, today.AddMonths(1))).Single(r => r.DepartmentId is null);
        Assert.Equal((1, 1), (later.OpenOverdue, later.Late));

        var previous = new DateOnly(today.Year, today.Month, 1).AddDays(-3);
        var last = Assert.Single(await statistics.MonthlyAsync(previous.Year, previous.Month));
        Assert.Equal((general, 1, 0), (last.DepartmentId!.Value, last.Received, last.Answered));

        // The API: Assessor yes, officer no.
        using var assessor = await ApiClient.SignInAsync(app, "assessor");
        var api = await assessor.Http.GetFromJsonAsync<JsonElement>($"/api/v1/interaction/statistics?year={today.Year}&month={today.Month}");
        Assert.Equal(3, api.GetArrayLength());
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.Http.GetAsync($"/api/v1/interaction/statistics?year={today.Year}&month={today.Month}")).StatusCode);
    }
}
