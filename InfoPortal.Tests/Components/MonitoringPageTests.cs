using Bunit;
using InfoPortal.Features.Monitoring;
using InfoPortal.Features.Monitoring.Pages;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using static InfoPortal.Tests.Features.Monitoring.MonitoringTestSupport;

namespace InfoPortal.Tests.Components;

/// <summary>
/// bUnit tests of /office/monitoring against the real services on a fresh SQLite database: the
/// daily records, an alert with its hit highlighted, the one-click takedown, and who sees which buttons.
/// </summary>
public sealed class MonitoringPageTests(MonitoringPageTests.Fixture app) : IClassFixture<MonitoringPageTests.Fixture>
{
    public sealed class Fixture : PortalFactory
    {
        public Fixture() => With("Jobs:RunServer", "false");
    }

    private static readonly DateOnly Day = new(2026, 11, 20);

    [Fact]
    public async Task Publisher_SeesRecordsAndAlert_TakesItDown_FromTheAlert()
    {
        var id = await PublishAsync(app, "关于松柏方案的说明", "<p>松柏方案已报上级审定。</p>");
        AddBlockingTerm(app, "松柏方案");
        var alertId = Assert.Single((await RunAsync(app, Day)).Raised).AlertId;

        await using var ctx = await ComponentTestContext.CreateAsync(app, "publisher");
        var dialogs = ctx.Render<MudDialogProvider>();
        var cut = ctx.Render<MonitoringPage>();

        // The daily record: date, items checked, hits, new alerts.
        cut.WaitForAssertion(() => Assert.Contains("2026/11/20", cut.Find("[data-test=runs-table]").TextContent));
        var row = cut.FindAll("[data-test=runs-table] tbody tr").Single(r => r.TextContent.Contains("2026/11/20", StringComparison.Ordinal));
        Assert.Contains("定时任务", row.TextContent);
        Assert.Contains("builtin", row.TextContent);

        // The alert, its hits highlighted in context, and the take-down button.
        var alert = cut.Find($"#alert-{alertId}");
        Assert.Contains("关于松柏方案的说明", alert.TextContent);
        Assert.All(alert.QuerySelectorAll("mark"), m => Assert.Equal("松柏方案", m.TextContent));
        Assert.Equal(2, alert.QuerySelectorAll("mark").Length);
        Assert.Contains("已报上级审定", alert.TextContent);
        Assert.NotNull(cut.Find("[data-test=alert-dismiss]"));

        await cut.InvokeAsync(() => cut.Find("[data-test=alert-take-down]").Click());
        dialogs.WaitForAssertion(() => Assert.NotNull(dialogs.Find("textarea")));
        dialogs.Find("textarea").Change("项目代号未公开");
        await dialogs.InvokeAsync(() => dialogs.Find("[data-test=prompt-confirm]").Click());

        cut.WaitForAssertion(() => Assert.Contains("已停止发布", cut.Find("[data-test=monitoring-result]").TextContent));
        await using var db = app.CreateDbContext();
        Assert.Equal(AlertStatus.TakenDown, (await db.Alerts.SingleAsync(a => a.Id == alertId)).Status);
        Assert.Equal("项目代号未公开", (await db.Takedowns.SingleAsync(t => t.RequestId == id)).Reason);
        var incident = await db.Incidents.SingleAsync(i => i.AlertId == alertId);
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find($"#incident-{incident.Id} [data-test=incident-cause]")));

        // The incident panel: closing before cause, remedy and report are written says what is missing.
        await cut.InvokeAsync(() => cut.Find($"#incident-{incident.Id} [data-test=incident-close]").Click());
        cut.WaitForAssertion(() => Assert.Contains("请填写原因", cut.Find($"#incident-{incident.Id}").TextContent));
        cut.Find($"#incident-{incident.Id} [data-test=incident-cause]").Change("项目代号未列入词库，审核未发现");
        cut.Find($"#incident-{incident.Id} [data-test=incident-remedy]").Change("已补充词库并组织培训");
        cut.Find($"#incident-{incident.Id} [data-test=incident-report]").Change("当日书面报告分管领导");
        await cut.InvokeAsync(() => cut.Find($"#incident-{incident.Id} [data-test=incident-close]").Click());
        cut.WaitForAssertion(() => Assert.Contains("已办结", cut.Find($"#incident-{incident.Id}").TextContent));
        Assert.Empty(cut.FindAll($"#incident-{incident.Id} [data-test=incident-cause]"));
        Assert.Contains("已补充词库并组织培训", cut.Find($"#incident-{incident.Id}").TextContent);
        await using var check = app.CreateDbContext();
        var closed = await check.Incidents.SingleAsync(i => i.Id == incident.Id);
        Assert.Equal((IncidentStatus.Closed, "当日书面报告分管领导", "郑网管"), (closed.Status, closed.ReportedTo, closed.ClosedByName));
    }

    [Fact]
    public async Task Leader_ReadsAlerts_WithoutActions_SystemAdmin_SeesRecordsAndRunNowOnly()
    {
        await PublishAsync(app, "关于杉木工程的说明", "<p>杉木工程按计划推进。</p>");
        AddBlockingTerm(app, "杉木工程");
        await RunAsync(app, Day.AddDays(1));

        await using (var ctx = await ComponentTestContext.CreateAsync(app, "leader"))
        {
            var cut = ctx.Render<MonitoringPage>();
            cut.WaitForAssertion(() => Assert.Contains(cut.FindAll("[data-test=alert]"), a => a.TextContent.Contains("杉木工程", StringComparison.Ordinal)));
            Assert.Empty(cut.FindAll("[data-test=alert-take-down]"));
            Assert.Empty(cut.FindAll("[data-test=alert-dismiss]"));
            Assert.Empty(cut.FindAll("[data-test=run-now]"));
        }

        await using (var ctx = await ComponentTestContext.CreateAsync(app, "sysadmin"))
        {
            var cut = ctx.Render<MonitoringPage>();
            cut.WaitForAssertion(() => Assert.Contains("2026/11/21", cut.Find("[data-test=runs-table]").TextContent));
            Assert.Empty(cut.FindAll("[data-test=alert]"));
            Assert.NotNull(cut.Find("[data-test=run-now]"));
        }
    }
}
