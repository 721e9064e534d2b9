using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Monitoring;
using InfoPortal.Features.Requests;
using InfoPortal.Infrastructure;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static InfoPortal.Tests.Features.Monitoring.MonitoringTestSupport;

namespace InfoPortal.Tests.Features.Monitoring;

/// <summary>
/// The daily rescan (rules.md §1 第十四条, §3 七(二)) on SQLite and PostgreSQL: alerts once per
/// item and hit set, one record per day, takedown from an alert, dismissal with a reason, roles.
/// </summary>
public sealed class DailyMonitoringTests
{
    private static readonly DateOnly Day = new(2026, 11, 26);

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task PublishedItem_HitAfterListChange_RaisesOneAlert_RerunSameDayRaisesNone(string provider)
    {
        await using var app = await AppAsync(provider);
        var flagged = await PublishAsync(app, "县局开展蓝莓行动专项检查", "<p>本次蓝莓行动覆盖全县药品零售企业。</p>");
        var clean = await PublishAsync(app, "县局召开安全生产会议", "<p>会议部署了下一阶段的安全生产工作。</p>");

        // Before the list change: both items are checked, nothing is hit.
        var before = await RunAsync(app, Day);
        Assert.False(before.AlreadyRunning);
        Assert.Empty(before.Raised);
        await using (var db = app.CreateDbContext())
        {
            Assert.Equal(await db.Requests.CountAsync(r => r.Status == RequestStatus.Published), before.Run.ItemsChecked);
            Assert.True(before.Run.ItemsChecked >= 2);
        }

        AddBlockingTerm(app, "蓝莓行动");
        var first = await RunAsync(app, Day);
        var raised = Assert.Single(first.Raised);
        Assert.Equal(flagged, raised.RequestId);
        Assert.Equal(1, first.Run.ItemsWithHits);
        Assert.Equal(2, first.Run.Hits); // title and body
        Assert.Equal(1, first.Run.NewAlerts);
        Assert.Equal(MonitoringOutcome.Succeeded, first.Run.Outcome);

        var rerun = await RunAsync(app, Day);
        Assert.Empty(rerun.Raised);
        Assert.Equal(1, rerun.Run.NewAlerts); // the day's record still says what the day raised

        // The next day the same open alert is not raised again either.
        var nextDay = await RunAsync(app, Day.AddDays(1));
        Assert.Empty(nextDay.Raised);
        Assert.Equal(0, nextDay.Run.NewAlerts);

        await using (var db = app.CreateDbContext())
        {
            Assert.Equal(1, await db.MonitoringRuns.CountAsync(r => r.Day == Day));
            var alert = await db.Alerts.SingleAsync();
            Assert.Equal(flagged, alert.RequestId);
            Assert.Equal(AlertStatus.Open, alert.Status);
            Assert.False(await db.Alerts.AnyAsync(a => a.RequestId == clean));
            Assert.Equal(["body", "title"], alert.Hits.Select(h => h.Field).Order());
            var body = alert.Hits.Single(h => h.Field == "body");
            Assert.Equal("蓝莓行动", body.Text);
            Assert.Equal("本次", body.Before);
            Assert.StartsWith("覆盖全县", body.After, StringComparison.Ordinal);

            // Publisher and secrecy officer are told, once each.
            var told = await db.Notifications.Where(n => n.Kind == "MonitoringAlert")
                .Join(db.Users, n => n.UserId, u => u.Id, (n, u) => u.UserName).ToListAsync();
            Assert.Equal(["publisher", "secrecy"], told.Order());
        }

        // The API shows the day's record and the open alert with its hits.
        using var publisher = await ApiClient.SignInAsync(app, "publisher");
        var runs = await ApiClient.EnsureAsync(await publisher.Http.GetAsync("/api/v1/monitoring/runs?limit=5"), HttpStatusCode.OK);
        var record = runs.EnumerateArray().Single(r => r.GetProperty("day").GetString() == "2026-11-26");
        Assert.Equal(1, record.GetProperty("newAlerts").GetInt32());
        Assert.Equal("Succeeded", record.GetProperty("outcome").GetString());
        var alerts = await ApiClient.EnsureAsync(await publisher.Http.GetAsync("/api/v1/monitoring/alerts?status=Open"), HttpStatusCode.OK);
        var open = Assert.Single(alerts.EnumerateArray());
        Assert.Equal(flagged, open.GetProperty("requestId").GetInt32());
        Assert.Contains(open.GetProperty("hits").EnumerateArray(), h => h.GetProperty("term").GetString() == "蓝莓行动" && h.GetProperty("level").GetString() == "Block");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TakeDownFromAlert_Gives410_KeepsSnapshot_OpensIncident_TellsLeadersAndDepartment(string provider)
    {
        await using var app = await AppAsync(provider);
        var id = await PublishAsync(app, "关于红杉计划的工作通报", "<p>红杉计划第一阶段工作已完成。</p>");
        AddBlockingTerm(app, "红杉计划");
        var alertId = Assert.Single((await RunAsync(app, Day)).Raised).AlertId;

        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var leader = await ApiClient.SignInAsync(app, "leader");
        using var secrecy = await ApiClient.SignInAsync(app, "secrecy");
        var takedownUrl = $"/api/v1/monitoring/alerts/{alertId}/takedown";

        // Not the officer, not the leaders (they read); and a reason is required.
        await ApiClient.EnsureAsync(await officer.Http.PostAsJsonAsync(takedownUrl, new { reason = "发现问题" }), HttpStatusCode.Forbidden);
        await ApiClient.EnsureAsync(await leader.Http.PostAsJsonAsync(takedownUrl, new { reason = "发现问题" }), HttpStatusCode.Forbidden);
        var noReason = await ApiClient.EnsureAsync(await secrecy.Http.PostAsJsonAsync(takedownUrl, new { reason = " " }), HttpStatusCode.BadRequest);
        Assert.Equal("validation_failed", noReason.GetProperty("code").GetString());
        using (var anonymous = app.CreatePortalClient())
        {
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/articles/{id}")).StatusCode);
        }

        var done = await ApiClient.EnsureAsync(await secrecy.Http.PostAsJsonAsync(takedownUrl, new { reason = "含有未公开工作事项" }), HttpStatusCode.OK);
        var incidentId = done.GetProperty("incidentId").GetInt32();

        using (var anonymous = app.CreatePortalClient())
        {
            Assert.Equal(HttpStatusCode.Gone, (await anonymous.GetAsync($"/articles/{id}")).StatusCode);
        }

        await using (var db = app.CreateDbContext())
        {
            var takedown = await db.Takedowns.SingleAsync(t => t.RequestId == id);
            Assert.Equal("含有未公开工作事项", takedown.Reason);
            Assert.Contains("红杉计划", takedown.SnapshotJson);
            var alert = await db.Alerts.SingleAsync(a => a.Id == alertId);
            Assert.Equal(AlertStatus.TakenDown, alert.Status);
            Assert.Equal(takedown.Id, alert.TakedownId);
            Assert.Equal("冯保密", alert.HandledByName);
            var incident = await db.Incidents.SingleAsync();
            Assert.Equal((incidentId, alertId, id, takedown.Id, IncidentStatus.Open), (incident.Id, incident.AlertId, incident.RequestId, incident.TakedownId, incident.Status));
            Assert.Null(incident.Cause);
            Assert.True(await db.AuditRecords.AnyAsync(a => a.Action == "AlertTakenDown" && a.Target == $"alert:{alertId}"));

            // Leaders and the item's department (officers and head) are asked to trace and report; other departments are not.
            var told = await db.Notifications.Where(n => n.Kind == "IncidentOpened" && n.Href == $"/office/monitoring#incident-{incidentId}")
                .Join(db.Users, n => n.UserId, u => u.Id, (n, u) => u.UserName!).ToListAsync();
            Assert.Equal(["depthead", "leader", "officer", "principal"], told.Order());
        }

        // Once handled, the alert cannot be taken down or dismissed again.
        await ApiClient.EnsureAsync(await secrecy.Http.PostAsJsonAsync(takedownUrl, new { reason = "再次" }), HttpStatusCode.Conflict);
        await ApiClient.EnsureAsync(await secrecy.Http.PostAsJsonAsync($"/api/v1/monitoring/alerts/{alertId}/dismiss", new { reason = "误报" }), HttpStatusCode.Conflict);

        // The incident: closing needs cause, remedy and report; leaders may read but not write.
        var closeUrl = $"/api/v1/monitoring/incidents/{incidentId}/close";
        await ApiClient.EnsureAsync(await secrecy.Http.PostAsJsonAsync(closeUrl, new { }), HttpStatusCode.BadRequest);
        await ApiClient.EnsureAsync(await leader.Http.PutAsJsonAsync($"/api/v1/monitoring/incidents/{incidentId}", new { cause = "x" }), HttpStatusCode.Forbidden);
        await ApiClient.EnsureAsync(await secrecy.Http.PutAsJsonAsync($"/api/v1/monitoring/incidents/{incidentId}",
            new { cause = "审核时词库未收录该项目代号", remedy = "词库已补充，相关人员已培训", reportedTo = "已于当日书面报告分管领导" }), HttpStatusCode.OK);
        var closed = await ApiClient.EnsureAsync(await secrecy.Http.PostAsJsonAsync(closeUrl, new { }), HttpStatusCode.OK);
        Assert.Equal("Closed", closed.GetProperty("status").GetString());
        var seen = await ApiClient.EnsureAsync(await leader.Http.GetAsync("/api/v1/monitoring/incidents"), HttpStatusCode.OK);
        Assert.Equal("审核时词库未收录该项目代号", Assert.Single(seen.EnumerateArray()).GetProperty("cause").GetString());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Officer_CannotTakeDown_EvenThroughTheService(string provider)
    {
        await using var app = await AppAsync(provider);
        var id = await PublishAsync(app, "白桦工程进展情况", "<p>白桦工程进展顺利。</p>");
        AddBlockingTerm(app, "白桦工程");
        var alertId = Assert.Single((await RunAsync(app, Day)).Raised).AlertId;

        using var scope = app.Services.CreateScope();
        var monitoring = scope.ServiceProvider.GetRequiredService<MonitoringService>();
        foreach (var user in new[] { "officer", "depthead", "leader", "director" })
        {
            var actor = await ActorAsync(app, user);
            await Assert.ThrowsAsync<ForbiddenException>(() => monitoring.TakeDownAsync(actor, alertId, "越权"));
            await Assert.ThrowsAsync<ForbiddenException>(() => monitoring.DismissAsync(actor, alertId, "越权"));
        }

        await Assert.ThrowsAsync<ForbiddenException>(async () => await monitoring.ListAlertsAsync(await ActorAsync(app, "officer"), null));
        await using var db = app.CreateDbContext();
        Assert.Equal(RequestStatus.Published, (await db.Requests.SingleAsync(r => r.Id == id)).Status);
        Assert.Equal(AlertStatus.Open, (await db.Alerts.SingleAsync()).Status);
        Assert.Empty(await db.Takedowns.ToListAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Dismiss_NeedsAReason_AndTheDismissedHitSetIsNotRaisedAgain(string provider)
    {
        await using var app = await AppAsync(provider);
        var id = await PublishAsync(app, "梧桐路施工期间绕行提示", "<p>梧桐路施工，请绕行。</p>");
        AddBlockingTerm(app, "梧桐路");
        var alertId = Assert.Single((await RunAsync(app, Day)).Raised).AlertId;

        using var publisher = await ApiClient.SignInAsync(app, "publisher");
        var url = $"/api/v1/monitoring/alerts/{alertId}/dismiss";
        var missing = await ApiClient.EnsureAsync(await publisher.Http.PostAsJsonAsync(url, new { reason = "" }), HttpStatusCode.BadRequest);
        Assert.Equal("validation_failed", missing.GetProperty("code").GetString());
        Assert.True(missing.GetProperty("errors").TryGetProperty("reason", out _));
        var dismissed = await ApiClient.EnsureAsync(await publisher.Http.PostAsJsonAsync(url, new { reason = "路名，不涉密" }), HttpStatusCode.OK);
        Assert.Equal("Dismissed", dismissed.GetProperty("status").GetString());
        Assert.Equal("路名，不涉密", dismissed.GetProperty("dismissReason").GetString());

        Assert.Empty((await RunAsync(app, Day.AddDays(1))).Raised);
        await using var db = app.CreateDbContext();
        Assert.Equal(1, await db.Alerts.CountAsync(a => a.RequestId == id));
        Assert.True(await db.AuditRecords.AnyAsync(a => a.Action == "AlertDismissed" && a.Target == $"alert:{alertId}"));
        Assert.Equal(RequestStatus.Published, (await db.Requests.SingleAsync(r => r.Id == id)).Status);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ConcurrentRuns_OfTheSameDay_LeaveOneRecordAndOneAlert(string provider)
    {
        await using var app = await AppAsync(provider);
        await PublishAsync(app, "银杏计划实施方案解读", "<p>银杏计划将分三步实施。</p>");
        AddBlockingTerm(app, "银杏计划");

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => RunAsync(app, Day))));
        Assert.Contains(results, r => !r.AlreadyRunning);
        Assert.Equal(1, results.Sum(r => r.Raised.Count));
        await using var db = app.CreateDbContext();
        Assert.Equal(1, await db.MonitoringRuns.CountAsync(r => r.Day == Day));
        Assert.Equal(1, await db.Alerts.CountAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task RunNow_ForSystemAdminAndPublisher_Only_AndAudited(string provider)
    {
        await using var app = await AppAsync(provider);
        using var sysadmin = await ApiClient.SignInAsync(app, "sysadmin");
        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var secrecy = await ApiClient.SignInAsync(app, "secrecy");
        await ApiClient.EnsureAsync(await officer.Http.PostAsJsonAsync("/api/v1/monitoring/runs", new { }), HttpStatusCode.Forbidden);
        await ApiClient.EnsureAsync(await secrecy.Http.PostAsJsonAsync("/api/v1/monitoring/runs", new { }), HttpStatusCode.Forbidden);
        var run = await ApiClient.EnsureAsync(await sysadmin.Http.PostAsJsonAsync("/api/v1/monitoring/runs", new { }), HttpStatusCode.OK);
        Assert.Equal("sysadmin", run.GetProperty("triggeredBy").GetString());
        var today = app.Services.GetRequiredService<JobClock>().Today;
        Assert.Equal(today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), run.GetProperty("day").GetString());

        // The system administrator sees the records but not the alerts (no content for 三权分立's administrator).
        await ApiClient.EnsureAsync(await sysadmin.Http.GetAsync("/api/v1/monitoring/runs"), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await sysadmin.Http.GetAsync("/api/v1/monitoring/alerts"), HttpStatusCode.Forbidden);
        await using var db = app.CreateDbContext();
        Assert.True(await db.AuditRecords.AnyAsync(a => a.Action == "MonitoringRunRequested" && a.ActorName == "sysadmin"));
        Assert.Equal(1, await db.MonitoringRuns.CountAsync(r => r.Day == today));
    }

    internal static Task<Actor> ActorAsync(PortalFactory app, string userName) => app.ActorAsync(userName);
}
