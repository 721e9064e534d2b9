using System.Net;
using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Audit;
using InfoPortal.Features.Interaction;
using InfoPortal.Features.Statistics;
using InfoPortal.Tests.Features.Interaction;
using InfoPortal.Tests.TestSupport;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Features.Audit;

/// <summary>
/// ADR 0021 for the writes that still audited after their commit (issue 10, follow-up): a password
/// reset, a password change, an assessment adjustment, a 采用 mark and a public message whose audit
/// write fails are not committed either — on both databases; messages left at once on two hosts
/// each commit with their one record.
/// </summary>
public sealed class AuditInTransactionTests
{
    private const string NewPassword = "Welcome#2026x";

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ResetPassword_WhoseAuditWriteFails_KeepsTheOldPassword(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var admin = await ActorAsync(app, "sysadmin");
        var officer = (await ActorAsync(app, "officer")).UserId!.Value;
        var before = await PasswordStateAsync(app, officer);
        await FailAuditWritesAsync(app, AuditActions.PasswordReset);

        using (var scope = app.Services.CreateScope())
        {
            await Assert.ThrowsAnyAsync<Exception>(() => scope.ServiceProvider.GetRequiredService<AccountService>().ResetPasswordAsync(admin, officer, NewPassword));
        }

        Assert.Equal(before, await PasswordStateAsync(app, officer));
        using var client = app.CreatePortalClient();
        await client.SignInAsync("officer"); // the old password still works
        await AssertChainOkAsync(app);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ChangePassword_WhoseAuditWriteFails_KeepsTheOldPassword(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var officer = (await ActorAsync(app, "officer")).UserId!.Value;
        var before = await PasswordStateAsync(app, officer);
        await FailAuditWritesAsync(app, AuditActions.PasswordChanged);

        using (var scope = app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var user = (await users.FindByNameAsync("officer"))!;
            await Assert.ThrowsAnyAsync<Exception>(() => scope.ServiceProvider.GetRequiredService<ProfileService>()
                .ChangePasswordAsync(user, PortalFactory.DemoPassword, NewPassword, "127.0.0.1", null));
        }

        Assert.Equal(before, await PasswordStateAsync(app, officer));
        await AssertChainOkAsync(app);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AssessmentAdjustment_WhoseAuditWriteFails_IsNotSaved(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var assessor = await ActorAsync(app, "assessor");
        int department;
        await using (var db = app.CreateDbContext())
        {
            department = await db.Departments.Where(d => d.Name == "综合股").Select(d => d.Id).SingleAsync();
        }

        using (var scope = app.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<AssessmentService>().ComputeAsync(assessor, 2026);
        }

        await FailAuditWritesAsync(app, "AssessmentAdjusted");
        using (var scope = app.Services.CreateScope())
        {
            await Assert.ThrowsAnyAsync<Exception>(() => scope.ServiceProvider.GetRequiredService<AssessmentService>().AdjustAsync(assessor, 2026, department, -10, "漏报重要信息"));
        }

        await using (var db = app.CreateDbContext())
        {
            Assert.Equal(0, await db.AssessmentAdjustments.CountAsync());
        }

        await AssertChainOkAsync(app);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task PublicMessage_WhoseAuditWriteFails_IsNotStored_NorAnnounced(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        using var anonymous = app.CreatePortalClient();
        await InteractionApi.LeaveOkAsync(anonymous, InteractionApi.Message(subject: "审计正常时的留言"));
        int messages, announced;
        await using (var db = app.CreateDbContext())
        {
            messages = await db.InteractionMessages.CountAsync();
            announced = await db.Notifications.CountAsync(n => n.Kind == InteractionNotifications.New);
        }

        Assert.True(messages > 0 && announced > 0, "a message that is stored is announced to the Publisher");
        await FailAuditWritesAsync(app, "MessageReceived");

        var refused = await InteractionApi.LeaveAsync(anonymous, InteractionApi.Message(subject: "审计失败时的留言"));
        Assert.Equal(HttpStatusCode.InternalServerError, refused.StatusCode);
        Assert.DoesNotContain("test: audit write fails", await refused.Content.ReadAsStringAsync());
        await using (var db = app.CreateDbContext())
        {
            Assert.Equal(messages, await db.InteractionMessages.CountAsync());
            Assert.False(await db.InteractionMessages.AnyAsync(m => m.Subject == "审计失败时的留言"));
            Assert.Equal(announced, await db.Notifications.CountAsync(n => n.Kind == InteractionNotifications.New));
        }

        await AssertChainOkAsync(app);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task SixteenSenders_OnTwoHosts_EachMessageHasOneRecordAndItsNotices_AndTheChainVerifies(string provider)
    {
        await using var first = await PortalFactory.CreateAsync(provider);
        _ = first.Services; // started, migrated and seeded before the second host opens the database
        await using var second = first.OnSameDatabase();
        _ = second.Services;

        var tickets = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            using var sender = (i % 2 == 0 ? first : second).CreatePortalClient($"10.0.0.{i + 1}");
            var message = InteractionApi.Message(subject: $"同时留言 {i}", contact: $"sender{i}@example.com", name: null);
            return (await InteractionApi.LeaveOkAsync(sender, message)).Ticket;
        })));

        Assert.Equal(16, tickets.Distinct().Count());
        await using var db = first.CreateDbContext();
        var ids = await db.InteractionMessages.Where(m => tickets.Contains(m.Ticket)).Select(m => m.Id).ToListAsync();
        Assert.Equal(16, ids.Count);
        var noticesEach = new HashSet<int>();
        foreach (var id in ids)
        {
            Assert.Equal(1, await db.AuditRecords.CountAsync(a => a.Action == "MessageReceived" && a.Target == $"message:{id}"));
            noticesEach.Add(await db.Notifications.CountAsync(n => n.Kind == InteractionNotifications.New && n.Href == InteractionNotifications.Href(id)));
        }

        var notices = Assert.Single(noticesEach);
        Assert.True(notices > 0, "every Publisher is told of every message");
        await AssertChainOkAsync(second);
    }

    private static async Task<(string? Hash, bool MustChange, DateTimeOffset? ChangedAt)> PasswordStateAsync(PortalFactory app, int userId)
    {
        await using var db = app.CreateDbContext();
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId);
        return (user.PasswordHash, user.MustChangePassword, user.PasswordChangedAt);
    }

    /// <summary>The audit write of <paramref name="action"/> fails inside the database (as a full disk or a broken chain would).</summary>
    internal static async Task FailAuditWritesAsync(PortalFactory app, string action)
    {
        await using var db = app.CreateDbContext();
        if (app.Provider == "Postgres")
        {
            var sql = $"""
                CREATE FUNCTION test_fail_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'test: audit write fails'; END; $$;
                CREATE TRIGGER test_fail_audit BEFORE INSERT ON "AuditRecords" FOR EACH ROW WHEN (NEW."Action" = '{action}') EXECUTE FUNCTION test_fail_audit();
                """;
            await db.Database.ExecuteSqlRawAsync(sql);
        }
        else
        {
            var sql = $"CREATE TRIGGER test_fail_audit BEFORE INSERT ON AuditRecords WHEN NEW.Action = '{action}' BEGIN SELECT RAISE(ABORT, 'test: audit write fails'); END;";
            await db.Database.ExecuteSqlRawAsync(sql);
        }
    }

    private static async Task AssertChainOkAsync(PortalFactory app)
    {
        using var scope = app.Services.CreateScope();
        var verification = await scope.ServiceProvider.GetRequiredService<AuditLog>().VerifyChainAsync();
        Assert.True(verification.Ok, $"first broken id {verification.FirstBrokenId}");
    }

    private static async Task<Actor> ActorAsync(PortalFactory app, string userName)
    {
        await using var db = app.CreateDbContext();
        var user = await db.Users.SingleAsync(u => u.UserName == userName);
        var roles = await db.UserRoles.Where(r => r.UserId == user.Id).Join(db.Roles, r => r.RoleId, r => r.Id, (_, r) => r.Name!).ToListAsync();
        return new Actor(user.Id, userName, user.DisplayName, user.DepartmentId, roles.ToHashSet(StringComparer.Ordinal), "127.0.0.1");
    }
}
