using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Audit;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Features.Audit;

/// <summary>
/// The audit log's hash chain on both databases: verification finds altered, deleted and
/// truncated records, the database refuses UPDATE and DELETE, and the API reports the result.
/// Quoted identifiers work on SQLite as well as PostgreSQL, so the tampering SQL is shared.
/// </summary>
public sealed class AuditChainTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Verify_AfterActivity_IsOk(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var ids = await CreateActivityAsync(app);

        var result = await VerifyAsync(app);

        Assert.True(result.Ok);
        Assert.Null(result.FirstBrokenId);
        Assert.True(result.Checked >= ids.Count, $"checked {result.Checked} of {ids.Count} records");
        await using var db = app.CreateDbContext();
        Assert.True(await db.AuditRecords.AnyAsync(a => a.Action == AuditActions.SignIn && a.ActorName == "officer"));
        Assert.Equal(AuditOutcome.Success, (await db.AuditRecords.OrderBy(a => a.Id).LastAsync()).Outcome);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Verify_AlteredDetail_NamesThatRecord(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var ids = await CreateActivityAsync(app);
        Assert.True((await VerifyAsync(app)).Ok);
        var victim = ids[ids.Count / 2];

        await DropAppendOnlyTriggersAsync(app);
        await using (var db = app.CreateDbContext())
        {
            Assert.Equal(1, await db.Database.ExecuteSqlRawAsync("""UPDATE "AuditRecords" SET "Detail" = 'nothing happened here' WHERE "Id" = {0}""", victim));
        }

        var result = await VerifyAsync(app);
        Assert.False(result.Ok);
        Assert.Equal(victim, result.FirstBrokenId);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Verify_DeletedMiddleRecord_NamesItsSuccessor(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var ids = await CreateActivityAsync(app);
        var victim = ids[ids.Count / 2];
        var successor = ids[(ids.Count / 2) + 1];

        await DropAppendOnlyTriggersAsync(app);
        await using (var db = app.CreateDbContext())
        {
            Assert.Equal(1, await db.Database.ExecuteSqlRawAsync("""DELETE FROM "AuditRecords" WHERE "Id" = {0}""", victim));
        }

        var result = await VerifyAsync(app);
        Assert.False(result.Ok);
        Assert.Equal(successor, result.FirstBrokenId);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Verify_DeletedLastRecord_IsDetected(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        await CreateActivityAsync(app);
        long last;
        long count;
        await using (var db = app.CreateDbContext())
        {
            last = await db.AuditRecords.MaxAsync(a => a.Id);
            count = await db.AuditRecords.LongCountAsync();
        }

        await DropAppendOnlyTriggersAsync(app);
        await using (var db = app.CreateDbContext())
        {
            Assert.Equal(1, await db.Database.ExecuteSqlRawAsync("""DELETE FROM "AuditRecords" WHERE "Id" = {0}""", last));
        }

        var result = await VerifyAsync(app);
        Assert.False(result.Ok);
        Assert.Equal(count - 1, result.Checked);
        // Nothing follows a deleted tail: the report points just past the last intact record.
        Assert.Equal(last, result.FirstBrokenId);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Triggers_RefuseUpdateAndDelete(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var ids = await CreateActivityAsync(app);
        var victim = ids[ids.Count / 2];
        string? detail;
        await using (var db = app.CreateDbContext())
        {
            detail = await db.AuditRecords.Where(a => a.Id == victim).Select(a => a.Detail).SingleAsync();

            var update = await Assert.ThrowsAnyAsync<DbException>(() =>
                db.Database.ExecuteSqlRawAsync("""UPDATE "AuditRecords" SET "Detail" = 'nothing happened here' WHERE "Id" = {0}""", victim));
            Assert.Contains("append-only", update.Message, StringComparison.Ordinal);
            var delete = await Assert.ThrowsAnyAsync<DbException>(() =>
                db.Database.ExecuteSqlRawAsync("""DELETE FROM "AuditRecords" WHERE "Id" = {0}""", victim));
            Assert.Contains("append-only", delete.Message, StringComparison.Ordinal);
            var deleteAll = await Assert.ThrowsAnyAsync<DbException>(() => db.Database.ExecuteSqlRawAsync("""DELETE FROM "AuditRecords" """));
            Assert.Contains("append-only", deleteAll.Message, StringComparison.Ordinal);
        }

        await using (var db = app.CreateDbContext())
        {
            Assert.Equal(ids.Count, await db.AuditRecords.CountAsync(a => ids.Contains(a.Id)));
            Assert.Equal(detail, await db.AuditRecords.Where(a => a.Id == victim).Select(a => a.Detail).SingleAsync());
        }

        Assert.True((await VerifyAsync(app)).Ok);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Api_Verify_AuditorGetsResult_OthersAreForbidden(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var ids = await CreateActivityAsync(app);
        using var auditor = app.CreatePortalClient();
        auditor.WithBearer(await auditor.GetTokenAsync("auditor"));

        var ok = await auditor.GetAsync("/api/v1/audit/verify");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var json = await ok.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(json.GetProperty("ok").GetBoolean());
        Assert.True(json.GetProperty("checked").GetInt64() >= ids.Count);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("firstBrokenId").ValueKind);

        using var sysadmin = app.CreatePortalClient();
        sysadmin.WithBearer(await sysadmin.GetTokenAsync("sysadmin"));
        Assert.Equal(HttpStatusCode.Forbidden, (await sysadmin.GetAsync("/api/v1/audit/verify")).StatusCode);
        using var officer = app.CreatePortalClient();
        officer.WithBearer(await officer.GetTokenAsync("officer"));
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.GetAsync("/api/v1/audit/verify")).StatusCode);
        using var anonymous = app.CreatePortalClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/audit/verify")).StatusCode);

        // After tampering the API names the broken record.
        var victim = ids[ids.Count / 2];
        await DropAppendOnlyTriggersAsync(app);
        await using (var db = app.CreateDbContext())
        {
            Assert.Equal(1, await db.Database.ExecuteSqlRawAsync("""UPDATE "AuditRecords" SET "ActorName" = 'someone else' WHERE "Id" = {0}""", victim));
        }

        var broken = await (await auditor.GetAsync("/api/v1/audit/verify")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(broken.GetProperty("ok").GetBoolean());
        Assert.Equal(victim, broken.GetProperty("firstBrokenId").GetInt64());
        await using (var db = app.CreateDbContext())
        {
            var verified = await db.AuditRecords.Where(a => a.Action == AuditActions.AuditVerified).OrderBy(a => a.Id).ToListAsync();
            Assert.Equal(2, verified.Count);
            Assert.Equal(AuditOutcome.Failure, verified[^1].Outcome);
            Assert.Equal("auditor", verified[^1].ActorName);
        }
    }

    /// <summary>Two real sign-ins plus a few direct appends; returns the ids of all records, oldest first.</summary>
    private static async Task<List<long>> CreateActivityAsync(PortalFactory app)
    {
        using (var officer = app.CreatePortalClient())
        {
            await officer.SignInAsync("officer");
        }

        using (var depthead = app.CreatePortalClient())
        {
            await depthead.SignInAsync("depthead");
        }

        using (var scope = app.Services.CreateScope())
        {
            var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
            for (var i = 1; i <= 4; i++)
            {
                await audit.AppendAsync(new AuditEntry(null, "system", "127.0.0.1", AuditActions.SettingsChanged, $"setting:test-{i}", AuditOutcome.Success, $"step {i} of 4"));
            }
        }

        await using var db = app.CreateDbContext();
        var ids = await db.AuditRecords.OrderBy(a => a.Id).Select(a => a.Id).ToListAsync();
        Assert.True(ids.Count >= 6, $"expected at least 6 audit records, found {ids.Count}");
        return ids;
    }

    private static async Task<AuditVerification> VerifyAsync(PortalFactory app)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<AuditLog>().VerifyAsync(await ActorAsync(app, "auditor", Roles.AuditAdmin));
    }

    private static async Task<Actor> ActorAsync(PortalFactory app, string userName, string role)
    {
        await using var db = app.CreateDbContext();
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.UserName == userName);
        return new Actor(user.Id, userName, user.DisplayName, user.DepartmentId, new HashSet<string>(StringComparer.Ordinal) { role }, "127.0.0.1");
    }

    /// <summary>What an attacker with database access would do first.</summary>
    private static async Task DropAppendOnlyTriggersAsync(PortalFactory app)
    {
        await using var db = app.CreateDbContext();
        if (app.Provider == "Postgres")
        {
            await db.Database.ExecuteSqlRawAsync("""DROP TRIGGER "AuditRecords_NoChange" ON "AuditRecords";""");
        }
        else
        {
            await db.Database.ExecuteSqlRawAsync("DROP TRIGGER AuditRecords_NoUpdate;");
            await db.Database.ExecuteSqlRawAsync("DROP TRIGGER AuditRecords_NoDelete;");
        }
    }
}
