using System.Globalization;
using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Columns;
using InfoPortal.Features.Publishing;
using InfoPortal.Features.Requests;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Tests.Features.Statistics;

/// <summary>
/// A hand-checked October 2026 (Asia/Shanghai, UTC+8) built through the request's own transition
/// methods with fixed timestamps, saved through the DbContext. The expected figures are in
/// <see cref="Expected"/>; the comments say where each comes from. The leader's signature every
/// internet item needs (ADR 0045) comes in the director's minute, so it adds no review time.
/// </summary>
public sealed class StatisticsScenario
{
    public required Dictionary<string, int> Departments { get; init; }

    public required int ColumnX { get; init; }

    public required int ColumnY { get; init; }

    public required Dictionary<string, int> Requests { get; init; }

    public static DateTimeOffset Utc(string value) => DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static async Task<StatisticsScenario> SeedAsync(PortalFactory app)
    {
        await using var db = app.CreateDbContext();
        var chain = await db.ReviewChains.SingleAsync(c => c.Code == ReviewChain.County && c.IsActive);
        var columns = await db.Columns.Where(c => c.Site == Site.External).OrderBy(c => c.Id).Take(2).ToListAsync();
        var (x, y) = (columns[0], columns[1]);
        var officer = await ActorAsync(db, "officer");
        var officer2 = await ActorAsync(db, "officer2");
        var depthead = await ActorAsync(db, "depthead");
        var depthead2 = await ActorAsync(db, "depthead2");
        var director = await ActorAsync(db, "director");
        var leader = await ActorAsync(db, "leader");
        var publisher = await ActorAsync(db, "publisher");
        Site[] external = [Site.External];
        var requests = new Dictionary<string, PublicationRequest>();

        PublicationRequest New(string key, Actor author, string created, string eventDate, params Column[] targets)
        {
            var r = PublicationRequest.Create(author, new RequestContent("统计样例 " + key, "<p>正文</p>", "本局", ContentKind.Text, Importance.Normal,
                DateOnly.Parse(eventDate, CultureInfo.InvariantCulture), [.. targets.Select(c => c.Id)], true), [], Utc(created));
            requests[key] = r;
            return r;
        }

        // A1 (综合股): DeptHead 4 h, OfficeDirector 20 h, published 10-03 local, event 09-20 → 13 days late.
        var a1 = New("A1", officer, "2026-10-02T01:00:00Z", "2026-09-20", x);
        a1.Submit(officer, chain, external, Utc("2026-10-02T02:00:00Z"));
        a1.Approve(depthead, "同意", Utc("2026-10-02T06:00:00Z"));
        a1.Approve(director, "同意", Utc("2026-10-03T02:00:00Z"));
        a1.Approve(leader, "同意", Utc("2026-10-03T02:00:00Z")); // the internet needs a leader (ADR 0045), in the same minute
        a1.Publish(publisher, [x], Utc("2026-10-03T03:00:00Z"));

        // A2 (综合股): returned after 72 h (overdue, > 2 days), resubmitted, DeptHead 2 h, OfficeDirector 8 h, published 10-10 local, event 10-01 → timely.
        var a2 = New("A2", officer, "2026-10-05T01:00:00Z", "2026-10-01", x);
        a2.Submit(officer, chain, external, Utc("2026-10-05T02:00:00Z"));
        a2.Return(depthead, "数据有误", Utc("2026-10-08T02:00:00Z"));
        a2.Resubmit(officer, chain, external, Utc("2026-10-09T02:00:00Z"));
        a2.Approve(depthead, "同意", Utc("2026-10-09T04:00:00Z"));
        a2.Approve(director, "同意", Utc("2026-10-09T12:00:00Z"));
        a2.Approve(leader, "同意", Utc("2026-10-09T12:00:00Z")); // the internet needs a leader (ADR 0045), in the same minute
        a2.Publish(publisher, [x], Utc("2026-10-10T00:00:00Z"));

        // A3 (综合股): created 2026-09-30T17:00Z = 1 October 01:00 in Shanghai → drafted in October.
        New("A3", officer, "2026-09-30T17:00:00Z", "2026-10-01", x);

        // A4 (综合股): created 2026-09-30T15:00Z = 30 September 23:00 local → not drafted in October; submitted and DeptHead 10 h in October.
        var a4 = New("A4", officer, "2026-09-30T15:00:00Z", "2026-10-01", x);
        a4.Submit(officer, chain, external, Utc("2026-10-01T00:00:00Z"));
        a4.Approve(depthead, "同意", Utc("2026-10-01T10:00:00Z"));

        // B1 (药品监管股, columns X and Y): 1 h + 1 h, published 10-01 12:00 local, event 09-21 → exactly 10 days: timely; taken down 10-20.
        var b1 = New("B1", officer2, "2026-10-01T00:00:00Z", "2026-09-21", x, y);
        b1.Submit(officer2, chain, external, Utc("2026-10-01T01:00:00Z"));
        b1.Approve(depthead2, "同意", Utc("2026-10-01T02:00:00Z"));
        b1.Approve(director, "同意", Utc("2026-10-01T03:00:00Z"));
        b1.Approve(leader, "同意", Utc("2026-10-01T03:00:00Z")); // the internet needs a leader (ADR 0045), in the same minute
        b1.Publish(publisher, [x, y], Utc("2026-10-01T04:00:00Z"));
        b1.TakeDown(publisher, "信息已过时", Utc("2026-10-20T00:00:00Z"));

        // B2 (药品监管股): 1 h + 23 h, approved in October, published 2026-10-31T17:30Z = 1 November 01:30 local → November.
        var b2 = New("B2", officer2, "2026-10-30T00:00:00Z", "2026-10-25", x);
        b2.Submit(officer2, chain, external, Utc("2026-10-30T01:00:00Z"));
        b2.Approve(depthead2, "同意", Utc("2026-10-30T02:00:00Z"));
        b2.Approve(director, "同意", Utc("2026-10-31T01:00:00Z"));
        b2.Approve(leader, "同意", Utc("2026-10-31T01:00:00Z")); // the internet needs a leader (ADR 0045), in the same minute
        b2.Publish(publisher, [x], Utc("2026-10-31T17:30:00Z"));

        db.Requests.AddRange(requests.Values);
        await db.SaveChangesAsync();
        db.Takedowns.Add(new Takedown { RequestId = b1.Id, At = Utc("2026-10-20T00:00:00Z"), ActorId = publisher.UserId!.Value, ActorName = publisher.DisplayName, Reason = "信息已过时", ColumnIds = $"{x.Id},{y.Id}" });
        await db.SaveChangesAsync();

        return new StatisticsScenario
        {
            Departments = await db.Departments.ToDictionaryAsync(d => d.Name, d => d.Id),
            ColumnX = x.Id,
            ColumnY = y.Id,
            Requests = requests.ToDictionary(r => r.Key, r => r.Value.Id),
        };
    }

    /// <summary>
    /// October 2026 interaction messages with fixed times, through the message's own methods
    /// (the month is judged on its last day, 31 October). Expected per department:
    /// 综合股 received 4 (M1–M4), answered 2 (M1, M2), on time 1 (M1), late 2 (M2 answered after
    /// its deadline, M3 still open past it on 31 October; M4's deadline is 4 November), median of
    /// 120 and 15,840 minutes = 7,980 min = 133 h. 药品监管股 received 3, answered 3, on time 3,
    /// late 0, median of 30, 60, 360 minutes = 1 h. M0 (30 September) is September's; U1 is never
    /// assigned and counts for no department.
    /// </summary>
    public static async Task<Dictionary<string, int>> SeedMessagesAsync(PortalFactory app)
    {
        await using var db = app.CreateDbContext();
        var officer = await ActorAsync(db, "officer");
        var depthead = await ActorAsync(db, "depthead");
        var officer2 = await ActorAsync(db, "officer2");
        var depthead2 = await ActorAsync(db, "depthead2");
        var publisher = await ActorAsync(db, "publisher");
        var messages = new Dictionary<string, InfoPortal.Features.Interaction.InteractionMessage>();

        void Message(string key, string received, string due, (Actor Officer, Actor Head)? to = null, string? answered = null)
        {
            var at = Utc(received);
            var m = InfoPortal.Features.Interaction.InteractionMessage.Receive(InfoPortal.Features.Interaction.MessageKind.Inquiry, "统计留言 " + key, "留言正文。", null, null, "hash",
                at, DateOnly.FromDateTime(at.UtcDateTime), DateOnly.Parse(due, CultureInfo.InvariantCulture), false, false, "[]", null);
            if (to is { } people)
            {
                m.Assign(publisher, people.Officer.DepartmentId!.Value, null, at.AddMinutes(1));
                if (answered is not null)
                {
                    var done = Utc(answered);
                    m.DraftReply(people.Officer, "答复。", done.AddMinutes(-1));
                    m.ApproveReply(people.Head, null, done, DateOnly.FromDateTime(done.UtcDateTime));
                }
            }

            messages[key] = m;
        }

        var general = (officer, depthead);
        var drugs = (officer2, depthead2);
        Message("M0", "2026-09-30T01:00:00Z", "2026-10-09", general);
        Message("M1", "2026-10-08T01:00:00Z", "2026-10-15", general, "2026-10-08T03:00:00Z"); // 120 min, on time
        Message("M2", "2026-10-09T01:00:00Z", "2026-10-16", general, "2026-10-20T01:00:00Z"); // 15,840 min, late
        Message("M3", "2026-10-12T01:00:00Z", "2026-10-19", general); // open past the deadline on 31 October
        Message("M4", "2026-10-28T01:00:00Z", "2026-11-04", general); // open, deadline not yet passed on 31 October
        Message("N1", "2026-10-05T02:00:00Z", "2026-10-12", drugs, "2026-10-05T02:30:00Z"); // 30 min
        Message("N2", "2026-10-06T00:00:00Z", "2026-10-13", drugs, "2026-10-06T06:00:00Z"); // 360 min
        Message("N3", "2026-10-07T00:00:00Z", "2026-10-14", drugs, "2026-10-07T01:00:00Z"); // 60 min
        Message("U1", "2026-10-10T01:00:00Z", "2026-10-17"); // never assigned
        db.InteractionMessages.AddRange(messages.Values);
        await db.SaveChangesAsync();
        foreach (var m in messages.Values)
        {
            m.SetTicket();
        }

        await db.SaveChangesAsync();
        return messages.ToDictionary(m => m.Key, m => m.Value.Id);
    }

    public static async Task<Actor> ActorOfAsync(PortalFactory app, string userName)
    {
        await using var db = app.CreateDbContext();
        return await ActorAsync(db, userName);
    }

    private static async Task<Actor> ActorAsync(PortalDbContext db, string userName)
    {
        var user = await db.Users.SingleAsync(u => u.UserName == userName);
        var roles = await db.UserRoles.Where(r => r.UserId == user.Id).Join(db.Roles, r => r.RoleId, r => r.Id, (_, r) => r.Name!).ToListAsync();
        return new Actor(user.Id, userName, user.DisplayName, user.DepartmentId, roles.ToHashSet(StringComparer.Ordinal), null);
    }
}
