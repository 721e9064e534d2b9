using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Audit;
using InfoPortal.Infrastructure;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Features.Accounts;

/// <summary>
/// 三权分立 (issue 10 item 2, ADR 0022), through <see cref="AccountService"/> — the one place the
/// users page and any other caller change accounts: the separated roles are held alone, nobody
/// changes their own roles, the system administrator never makes or controls an audit
/// administrator, and every role change is audited with its before and after.
/// </summary>
public sealed class SeparationOfDutiesTests
{
    private const string Password = "Welcome#2026x";

    private static readonly string[] Separated = [Roles.SystemAdmin, Roles.SecrecyOfficer, Roles.AuditAdmin];

    /// <summary>Stated here, not taken from the code under test: allowed when no separated role shares the set.</summary>
    private static bool Allowed(string[] roles) => roles.Distinct().Count() == 1 || !roles.Any(Separated.Contains);

    private static async Task<Actor> ActorAsync(PortalFactory app, string userName)
    {
        await using var db = app.CreateDbContext();
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.UserName == userName);
        var roles = await db.UserRoles.Where(r => r.UserId == user.Id).Join(db.Roles, r => r.RoleId, r => r.Id, (_, r) => r.Name!).ToListAsync();
        return new Actor(user.Id, userName, user.DisplayName, user.DepartmentId, roles.ToHashSet(StringComparer.Ordinal), "127.0.0.1");
    }

    private static async Task<List<string>> RolesOfAsync(PortalFactory app, int userId)
    {
        await using var db = app.CreateDbContext();
        var names = await db.UserRoles.Where(r => r.UserId == userId).Join(db.Roles, r => r.RoleId, r => r.Id, (_, r) => r.Name!).ToListAsync();
        return [.. names.Order(StringComparer.Ordinal)];
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task RoleMatrix_EveryPairOfRoles_OnAnotherAccountAndOnOnesOwn(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var admin = await ActorAsync(app, "sysadmin");
        using var scope = app.Services.CreateScope();
        var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
        var department = admin.DepartmentId!.Value;
        var other = await accounts.CreateAsync(admin, new UserInput("matrix", "矩阵测试", null, department, [Roles.Officer]), Password);
        var failures = new List<string>();

        foreach (var first in Roles.All)
        {
            foreach (var second in Roles.All.Where(r => string.CompareOrdinal(r, first) >= 0))
            {
                string[] pair = [first, second];
                var expectOther = Allowed(pair) && !pair.Contains(Roles.AuditAdmin); // an auditor is made only at the command line
                var before = await RolesOfAsync(app, other);
                var otherError = await Record.ExceptionAsync(() => accounts.UpdateAsync(admin, other, new UserInput("matrix", "矩阵测试", null, department, pair)));
                var after = await RolesOfAsync(app, other);
                if (expectOther != otherError is null || (otherError is not null and not ValidationFailedException))
                {
                    failures.Add($"other {first}+{second}: expected {(expectOther ? "allowed" : "refused")}, got {otherError?.GetType().Name ?? "allowed"}");
                }
                else if (expectOther ? !after.SequenceEqual(pair.Distinct().Order(StringComparer.Ordinal)) : !after.SequenceEqual(before))
                {
                    failures.Add($"other {first}+{second}: roles now {string.Join(',', after)}");
                }

                // On one's own account every change is refused, the separated pairs included.
                var selfError = await Record.ExceptionAsync(() => accounts.UpdateAsync(admin, admin.UserId!.Value, new UserInput("sysadmin", "褚系统", null, department, pair)));
                var expectSelf = pair.Distinct().SequenceEqual([Roles.SystemAdmin]); // no change at all
                if (expectSelf != selfError is null)
                {
                    failures.Add($"self {first}+{second}: expected {(expectSelf ? "allowed" : "refused")}, got {selfError?.GetType().Name ?? "allowed"}");
                }
            }
        }

        Assert.Empty(failures);
        Assert.Equal([Roles.SystemAdmin], await RolesOfAsync(app, admin.UserId!.Value));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task OwnRoles_CannotBeChanged_ByAnyone_AndTheRefusalIsAudited(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var admin = await ActorAsync(app, "sysadmin");
        using var scope = app.Services.CreateScope();
        var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();

        // The reproduction of the issue: sysadmin ticks 分管领导 and 网站信息管理员 on its own account.
        var error = await Assert.ThrowsAsync<ValidationFailedException>(() => accounts.UpdateAsync(admin, admin.UserId!.Value,
            new UserInput("sysadmin", "褚系统", null, admin.DepartmentId!.Value, [Roles.SystemAdmin, Roles.Leader, Roles.Publisher])));
        Assert.True(error.Errors.ContainsKey("roles"));

        // Even a set that would be allowed for someone else (the administrator making itself an officer).
        var own = await Assert.ThrowsAsync<ValidationFailedException>(() => accounts.UpdateAsync(admin, admin.UserId!.Value,
            new UserInput("sysadmin", "褚系统", null, admin.DepartmentId!.Value, [Roles.Officer])));
        Assert.Equal(["不能修改自己的角色。"], own.LocalizedErrors(scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Localization.IStringLocalizer<InfoPortal.SharedResource>>())["roles"]);

        // Its own name may still be edited.
        await accounts.UpdateAsync(admin, admin.UserId!.Value, new UserInput("sysadmin", "褚系统管理员", null, admin.DepartmentId!.Value, [Roles.SystemAdmin]));

        Assert.Equal([Roles.SystemAdmin], await RolesOfAsync(app, admin.UserId!.Value));
        await using var db = app.CreateDbContext();
        var refused = await db.AuditRecords.Where(a => a.Action == AuditActions.RolesChanged && a.Outcome == AuditOutcome.Refused).OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(2, refused.Count);
        Assert.StartsWith("roles: SystemAdmin → Leader,Publisher,SystemAdmin", refused[0].Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AuditAdmin_IsNeverMadeOrControlledByTheSystemAdministrator(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var admin = await ActorAsync(app, "sysadmin");
        using var scope = app.Services.CreateScope();
        var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
        var department = admin.DepartmentId!.Value;

        // The reproduction: sysadmin creates auditor2 with AuditAdmin.
        var create = await Assert.ThrowsAsync<ValidationFailedException>(() => accounts.CreateAsync(admin, new UserInput("auditor2", "审计二", null, department, [Roles.AuditAdmin]), Password));
        Assert.True(create.Errors.ContainsKey("roles"));

        // Nor by editing an existing account, nor by taking the role away, nor by setting an auditor's password.
        var officer = await accounts.CreateAsync(admin, new UserInput("clerk2", "文书二", null, department, [Roles.Officer]), Password);
        await Assert.ThrowsAsync<ValidationFailedException>(() => accounts.UpdateAsync(admin, officer, new UserInput("clerk2", "文书二", null, department, [Roles.AuditAdmin])));
        var auditor = (await ActorAsync(app, "auditor")).UserId!.Value;
        await Assert.ThrowsAsync<ValidationFailedException>(() => accounts.UpdateAsync(admin, auditor, new UserInput("auditor", "卫审计", null, department, [Roles.Officer])));
        await Assert.ThrowsAsync<ValidationFailedException>(() => accounts.ResetPasswordAsync(admin, auditor, Password));

        await using (var db = app.CreateDbContext())
        {
            Assert.False(await db.Users.AnyAsync(u => u.UserName == "auditor2"));
            Assert.Equal([Roles.AuditAdmin], await RolesOfAsync(app, auditor));
            Assert.Equal([Roles.Officer], await RolesOfAsync(app, officer));
        }

        // The command line is the way; the new auditor chooses their own password at first sign-in.
        var output = new StringWriter();
        Assert.Equal(0, await CreateAdminCommand.RunAsync(app.Services, "auditor2", new StringReader("Audit#Second2026\n"), output, Roles.AuditAdmin));
        await using (var db = app.CreateDbContext())
        {
            var made = await db.Users.SingleAsync(u => u.UserName == "auditor2");
            Assert.True(made.MustChangePassword);
            Assert.Equal([Roles.AuditAdmin], await RolesOfAsync(app, made.Id));
            var record = await db.AuditRecords.SingleAsync(a => a.Action == AuditActions.RolesChanged && a.Target == "user:auditor2" && a.Outcome == AuditOutcome.Success);
            Assert.Equal("roles: — → AuditAdmin", record.Detail);
            Assert.Equal("create-auditor", record.ActorName);
        }

        using var client = app.CreatePortalClient();
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await client.RequestTokenAsync("auditor2", "Audit#Second2026")).StatusCode); // must change it first
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task RoleChanges_AreAuditedWithBeforeAndAfter(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var admin = await ActorAsync(app, "sysadmin");
        using var scope = app.Services.CreateScope();
        var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
        var department = admin.DepartmentId!.Value;

        var id = await accounts.CreateAsync(admin, new UserInput("rotate", "轮岗", null, department, [Roles.Officer]), Password);
        await accounts.UpdateAsync(admin, id, new UserInput("rotate", "轮岗", null, department, [Roles.Officer, Roles.DeptHead]));
        await accounts.UpdateAsync(admin, id, new UserInput("rotate", "轮岗", null, department, [Roles.SecrecyOfficer]));
        await accounts.UpdateAsync(admin, id, new UserInput("rotate", "轮岗改名", null, department, [Roles.SecrecyOfficer])); // no role change

        await using var db = app.CreateDbContext();
        var details = await db.AuditRecords.Where(a => a.Action == AuditActions.RolesChanged && a.Target == "user:rotate").OrderBy(a => a.Id)
            .Select(a => new { a.Detail, a.ActorName, a.Outcome }).ToListAsync();
        Assert.Equal(["roles: — → Officer", "roles: Officer → Officer,DeptHead", "roles: Officer,DeptHead → SecrecyOfficer"], details.Select(d => d.Detail));
        Assert.All(details, d => Assert.Equal(("sysadmin", AuditOutcome.Success), (d.ActorName, d.Outcome)));
    }

    [Fact]
    public async Task DemoAgency_ObeysTheSeparation()
    {
        await using var app = new PortalFactory();
        await using var db = app.CreateDbContext();
        var held = await db.UserRoles.Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, r.Name }).ToListAsync();
        Assert.NotEmpty(held);
        Assert.All(held.GroupBy(h => h.UserId), user => Assert.True(Allowed([.. user.Select(u => u.Name!)]), string.Join(',', user.Select(u => u.Name))));
    }
}
