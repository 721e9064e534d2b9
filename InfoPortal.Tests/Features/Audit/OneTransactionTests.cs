using System.Diagnostics;
using System.Net;
using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Archive;
using InfoPortal.Features.Audit;
using InfoPortal.Features.Notifications;
using InfoPortal.Features.Publishing;
using InfoPortal.Features.Requests;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Features.Audit;

/// <summary>
/// ADR 0021 on both databases: a command and what must survive with it (audit, archive, notices,
/// mail) commit together or not at all, whatever the caller's token does; the chains are
/// serialised by the database across hosts; one bad scheduled item blocks nothing; dropped
/// append-only triggers come back at start; Debian 12's sqlite3 (3.40) opens the file.
/// </summary>
public sealed class OneTransactionTests
{
    private static readonly Actor Auditor = new(null, "auditor", "卫审计", null, new HashSet<string> { Roles.AuditAdmin, Roles.Publisher }, null);

    private static async Task<int> ApprovedAsync(PortalFactory app, string title, int[]? columnIds = null)
    {
        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var depthead = await ApiClient.SignInAsync(app, "depthead");
        using var director = await ApiClient.SignInAsync(app, "director");
        var id = await officer.DraftAsync(title, columnIds: columnIds);
        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await depthead.ApproveAsync(id, "内容属实，同意报送。"), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await director.ApproveAsync(id, "同意发布。"), HttpStatusCode.OK);
        await ApiClient.ApproveRemainingAsync(app, id, director); // the internet needs a leader (ADR 0045)
        return id;
    }

    private static async Task<Actor> ActorAsync(PortalFactory app, string userName, string role)
    {
        await using var db = app.CreateDbContext();
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.UserName == userName);
        return new Actor(user.Id, user.UserName!, user.DisplayName, user.DepartmentId, new HashSet<string> { role }, "127.0.0.1");
    }

    private static async Task<AuditVerification> VerifyAuditAsync(PortalFactory app)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<AuditLog>().VerifyChainAsync();
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Publish_CancelledAtAnyPoint_HasArchiveAndAuditOrNothing(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        // 0 = cancelled before it starts; then points all through the command (the issue saw 0.05–0.4 s); last: never.
        int[] delays = [0, 1, 3, 6, 12, 25, 50, 100, 200, 400, 60_000];
        var ids = new List<int>();
        foreach (var d in delays)
        {
            ids.Add(await ApprovedAsync(app, $"县局药品安全检查通报（{d}）"));
        }

        var publisher = await ActorAsync(app, "publisher", Roles.Publisher);
        for (var i = 0; i < delays.Length; i++)
        {
            using var scope = app.Services.CreateScope();
            var publishing = scope.ServiceProvider.GetRequiredService<PublishingService>();
            using var cts = new CancellationTokenSource();
            if (delays[i] == 0) cts.Cancel(); else cts.CancelAfter(delays[i]);
            try
            {
                await publishing.PublishAsync(publisher, ids[i], null, null, cts.Token);
            }
            catch (OperationCanceledException)
            {
                // The client went away; what matters is what the database holds now.
            }
        }

        await using var db = app.CreateDbContext();
        var outcomes = new List<bool>();
        foreach (var id in ids)
        {
            var request = await db.Requests.AsNoTracking().Include(r => r.Publications).SingleAsync(r => r.Id == id);
            var published = request.Status == RequestStatus.Published;
            var archived = await db.ArchiveRecords.CountAsync(a => a.RequestId == id && a.Kind == ArchiveKind.Published);
            var audited = await db.AuditRecords.CountAsync(a => a.Action == "RequestPublished" && a.Target == $"request:{id}");
            var noticed = await db.Notifications.CountAsync(n => n.Kind == NotificationKinds.Published && n.Href == PublicLinks.Article(id));
            var indexed = await db.SearchDocuments.CountAsync(s => s.RequestId == id);
            var expected = published ? 1 : 0;
            Assert.True(new[] { archived, audited, noticed, indexed }.All(c => c == expected),
                $"request {id}: published={published} archive={archived} audit={audited} notice={noticed} search={indexed}");
            Assert.Equal(published, request.Publications.Count > 0);
            outcomes.Add(published);
        }

        Assert.False(outcomes[0]); // cancelled before anything: nothing happened
        Assert.True(outcomes[^1]); // never cancelled: everything happened
        Assert.True((await VerifyAuditAsync(app)).Ok);
        using var verify = app.Services.CreateScope();
        var archive = await verify.ServiceProvider.GetRequiredService<ArchiveService>().VerifyAsync(Auditor);
        Assert.True(archive.Ok, archive.Problem);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Decision_WhoseAuditWriteFails_IsNotCommitted(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var depthead = await ApiClient.SignInAsync(app, "depthead");
        var id = await officer.DraftAsync("县局召开安全生产会议");
        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);

        await using (var db = app.CreateDbContext())
        {
            // The audit write of an approval fails inside the database (as a full disk or a broken chain would).
            if (provider == "Postgres")
            {
                await db.Database.ExecuteSqlRawAsync("""
                    CREATE FUNCTION test_fail_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'test: audit write fails'; END; $$;
                    CREATE TRIGGER test_fail_audit BEFORE INSERT ON "AuditRecords" FOR EACH ROW WHEN (NEW."Action" = 'RequestApproved') EXECUTE FUNCTION test_fail_audit();
                    """);
            }
            else
            {
                await db.Database.ExecuteSqlRawAsync("CREATE TRIGGER test_fail_audit BEFORE INSERT ON AuditRecords WHEN NEW.Action = 'RequestApproved' BEGIN SELECT RAISE(ABORT, 'test: audit write fails'); END;");
            }
        }

        var response = await depthead.ApproveAsync(id, "同意。");
        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);

        await using (var db = app.CreateDbContext())
        {
            var request = await db.Requests.AsNoTracking().Include(r => r.Decisions).SingleAsync(r => r.Id == id);
            Assert.Empty(request.Decisions);
            Assert.Equal(RequestStatus.InReview, request.Status);
            Assert.Equal(0, await db.Notifications.CountAsync(n => n.Href == $"/office/requests/{id}" && n.Kind != NotificationKinds.ReviewWaiting));
        }

        Assert.True((await VerifyAuditAsync(app)).Ok);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ScheduledItem_WhoseColumnIsRetired_DoesNotBlockTheOthers_AndIsFlagged(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        using var publisher = await ApiClient.SignInAsync(app, "publisher");
        var retired = await publisher.ColumnIdAsync("通知公告");
        var a = await ApprovedAsync(app, "关于调整办公时间的通知", [retired]);
        var b = await ApprovedAsync(app, "县局开展春季药品安全检查");
        var later = DateTimeOffset.UtcNow.AddHours(1);
        await ApiClient.EnsureAsync(await publisher.PublishAsync(a, later), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await publisher.PublishAsync(b, later), HttpStatusCode.OK);

        await using (var db = app.CreateDbContext())
        {
            // Both fall due (A first, so it is tried first), and A's only column is retired meanwhile.
            var past = DateTimeOffset.UtcNow.AddMinutes(-2);
            await db.Requests.Where(r => r.Id == a).ExecuteUpdateAsync(s => s.SetProperty(r => r.ScheduledFor, past.AddMinutes(-1)));
            await db.Requests.Where(r => r.Id == b).ExecuteUpdateAsync(s => s.SetProperty(r => r.ScheduledFor, past));
            await db.Columns.Where(c => c.Id == retired).ExecuteUpdateAsync(s => s.SetProperty(c => c.IsRetired, true));
        }

        using (var scope = app.Services.CreateScope())
        {
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<PublishingService>().PublishDueAsync());
            // The failed one left the schedule: the next run does not trip over it again.
            Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<PublishingService>().PublishDueAsync());
        }

        await using (var db = app.CreateDbContext())
        {
            Assert.Equal(RequestStatus.Published, (await db.Requests.SingleAsync(r => r.Id == b)).Status);
            Assert.Equal(1, await db.ArchiveRecords.CountAsync(r => r.RequestId == b));
            Assert.Equal(RequestStatus.Approved, (await db.Requests.SingleAsync(r => r.Id == a)).Status);
            var publisherId = (await ActorAsync(app, "publisher", Roles.Publisher)).UserId;
            Assert.Equal(1, await db.Notifications.CountAsync(n => n.UserId == publisherId && n.Kind == NotificationKinds.ScheduledPublishFailed && n.Href == $"/office/requests/{a}"));
            var audit = await db.AuditRecords.SingleAsync(r => r.Action == "ScheduledPublishFailed");
            Assert.Equal($"request:{a}", audit.Target);
            Assert.Contains("ColumnsInvalid", audit.Detail);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task SixteenWriters_OnTwoHosts_EveryRequestHasItsCreatedRecord_AndTheChainVerifies(string provider)
    {
        await using var first = await PortalFactory.CreateAsync(provider);
        _ = first.Services; // started, migrated and seeded before the second host opens the database
        await using var second = first.OnSameDatabase();
        _ = second.Services;
        var officer = await ActorAsync(first, "officer", Roles.Officer);
        await using var db0 = first.CreateDbContext();
        var column = await db0.Columns.Where(c => c.Name == "工作动态").Select(c => c.Id).SingleAsync();

        var created = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            using var scope = (i % 2 == 0 ? first : second).Services.CreateScope();
            var requests = scope.ServiceProvider.GetRequiredService<RequestService>();
            var request = await requests.CreateAsync(officer, new RequestInput($"并发草稿 {i}", [column], ContentKind.Text, "<p>正文</p>", "县局办公室", Importance.Normal, null, true));
            return request.Id;
        })));

        await using var db = first.CreateDbContext();
        foreach (var id in created)
        {
            Assert.Equal(1, await db.AuditRecords.CountAsync(a => a.Action == "RequestCreated" && a.Target == $"request:{id}"));
        }

        Assert.Equal(16, created.Distinct().Count());
        var verification = await VerifyAuditAsync(second);
        Assert.True(verification.Ok, $"first broken id {verification.FirstBrokenId}");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task DroppedAppendOnlyTrigger_IsRecreatedAtStart_AndAudited(string provider)
    {
        var first = await PortalFactory.CreateAsync(provider);
        first.KeepDatabase = true;
        using (var publisher = await ApiClient.SignInAsync(first, "publisher"))
        {
            // A published item, so the search triggers have run on this file too.
            await ApiClient.EnsureAsync(await publisher.PublishAsync(await ApprovedAsync(first, "县局召开药品安全专题会议")), HttpStatusCode.OK);
        }

        await using (var db = first.CreateDbContext())
        {
            await db.Database.ExecuteSqlRawAsync(provider == "Postgres"
                ? """DROP TRIGGER "AuditRecords_NoChange" ON "AuditRecords";"""
                : "DROP TRIGGER AuditRecords_NoDelete;");
        }

        await first.DisposeAsync();
        await using var restarted = first.OnSameDatabase();
        try
        {
            await using var db = restarted.CreateDbContext();
            var restored = await db.AuditRecords.AsNoTracking().SingleAsync(a => a.Action == "AppendOnlyTriggersRestored");
            Assert.Contains(provider == "Postgres" ? "AuditRecords_NoChange" : "AuditRecords_NoDelete", restored.Detail);
            // The guard is back: the database refuses to delete a record again.
            await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("""DELETE FROM "AuditRecords" WHERE "Id" = (SELECT MIN("Id") FROM "AuditRecords")"""));
            Assert.True((await VerifyAuditAsync(restarted)).Ok);
        }
        finally
        {
            first.DeleteKeptDataFolder();
        }
    }

    /// <summary>
    /// A publication without its archive record (what publishing left before ADR 0021) is reported
    /// after the server starts — off the start path, since the check reads every publication.
    /// </summary>
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task PublishedWithoutArchiveRecord_IsReportedAfterStart(string provider)
    {
        var first = await PortalFactory.CreateAsync(provider);
        first.KeepDatabase = true;
        var officer = await ActorAsync(first, "officer", Roles.Officer);
        int orphan;
        await using (var db = first.CreateDbContext())
        {
            var column = await db.Columns.AsNoTracking().SingleAsync(c => c.Name == "工作动态");
            using (var scope = first.Services.CreateScope())
            {
                orphan = (await scope.ServiceProvider.GetRequiredService<RequestService>().CreateAsync(officer,
                    new RequestInput("档案缺失检查", [column.Id], ContentKind.Text, "<p>正文</p>", "县局办公室", Importance.Normal, null, true))).Id;
            }

            // What a publish before ADR 0021 could leave: the publication row, no archive record.
            db.Publications.Add(new Publication { RequestId = orphan, ColumnId = column.Id, Site = column.Site, PublishedAt = DateTimeOffset.UtcNow, ContentVersion = 1 });
            await db.SaveChangesAsync();
        }

        await first.DisposeAsync();
        await using var restarted = first.OnSameDatabase();
        try
        {
            await restarted.Services.GetRequiredService<ArchiveIntegrityCheck>().Completed.WaitAsync(TimeSpan.FromSeconds(60));
            await using var db = restarted.CreateDbContext();
            var report = await db.AuditRecords.AsNoTracking().SingleAsync(a => a.Action == "ArchiveRecordsMissing");
            Assert.Contains(orphan.ToString(System.Globalization.CultureInfo.InvariantCulture), report.Detail);
            Assert.Equal(AuditOutcome.Failure, report.Outcome);
            Assert.True((await VerifyAuditAsync(restarted)).Ok);
        }
        finally
        {
            first.DeleteKeptDataFolder();
        }
    }

    [Fact]
    public async Task SqliteFile_OpensInDebianSqlite3_AndPassesIntegrityCheck()
    {
        const string sqlite3 = "/usr/bin/sqlite3";
        if (!File.Exists(sqlite3))
        {
            Assert.False(TestDatabase.IsCi, "CI must have /usr/bin/sqlite3 (Debian 12's 3.40) to check the file opens with it.");
            return;
        }

        await using var app = await PortalFactory.CreateAsync("Sqlite");
        using (var publisher = await ApiClient.SignInAsync(app, "publisher"))
        {
            await ApiClient.EnsureAsync(await publisher.PublishAsync(await ApprovedAsync(app, "器械安全")), HttpStatusCode.OK);
        }

        var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(app.ConnectionString).DataSource;
        var output = await RunAsync(sqlite3, "-readonly", file, "PRAGMA integrity_check; SELECT count(*) FROM AuditRecords; SELECT count(*) FROM SearchDocuments; SELECT sqlite_version();");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("ok", lines[0]);
        Assert.True(int.Parse(lines[1], System.Globalization.CultureInfo.InvariantCulture) > 0, output);
        Assert.Equal("1", lines[2]);
    }

    private static async Task<string> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{file} exited {process.ExitCode}: {await stderr}");
        return await stdout;
    }
}
