using System.Net;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Audit;
using InfoPortal.Infrastructure;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Features.Accounts;

/// <summary>The system administrator's account work through <see cref="AccountService"/>, on both databases.</summary>
public sealed class AccountServiceTests
{
    private const string NewPassword = "Welcome#2026x";

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Create_WithExclusiveRoles_IsRefused_AndWritesNothing(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var admin = await ActorAsync(app, "sysadmin", Roles.SystemAdmin);
        var department = await DepartmentIdAsync(app);
        using var scope = app.Services.CreateScope();
        var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();

        string[][] conflicts =
        [
            [Roles.SystemAdmin, Roles.AuditAdmin],
            [Roles.SecrecyOfficer, Roles.AuditAdmin],
            [Roles.SystemAdmin, Roles.SecrecyOfficer],
            [Roles.Officer, Roles.SystemAdmin, Roles.SecrecyOfficer, Roles.AuditAdmin],
        ];
        for (var i = 0; i < conflicts.Length; i++)
        {
            var input = new UserInput($"dual{i}", "双重角色", null, department, conflicts[i]);
            var error = await Assert.ThrowsAsync<ValidationFailedException>(() => accounts.CreateAsync(admin, input, NewPassword));
            Assert.True(error.Errors.ContainsKey("roles"), $"{string.Join('+', conflicts[i])}: errors on {string.Join(", ", error.Errors.Keys)}");
        }

        await using var db = app.CreateDbContext();
        Assert.False(await db.Users.AnyAsync(u => u.UserName!.StartsWith("dual")));
        Assert.False(await db.AuditRecords.AnyAsync(a => a.Action == AuditActions.UserCreated));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Create_ByNonAdmin_IsForbidden(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var department = await DepartmentIdAsync(app);
        using var scope = app.Services.CreateScope();
        var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
        var input = new UserInput("intruder", "越权用户", null, department, [Roles.Officer]);

        foreach (var (userName, role) in new[] { ("officer", Roles.Officer), ("auditor", Roles.AuditAdmin), ("secrecy", Roles.SecrecyOfficer) })
        {
            var actor = await ActorAsync(app, userName, role);
            await Assert.ThrowsAsync<ForbiddenException>(() => accounts.CreateAsync(actor, input, NewPassword));
            var officer = await UserIdAsync(app, "officer2");
            await Assert.ThrowsAsync<ForbiddenException>(() => accounts.SetDisabledAsync(actor, officer, true));
            await Assert.ThrowsAsync<ForbiddenException>(() => accounts.ResetPasswordAsync(actor, officer, NewPassword));
        }

        await using var db = app.CreateDbContext();
        Assert.False(await db.Users.AnyAsync(u => u.UserName == "intruder"));
        Assert.False(await db.Users.AnyAsync(u => u.IsDisabled));
        Assert.False(await db.AuditRecords.AnyAsync(a => a.Action == AuditActions.UserCreated || a.Action == AuditActions.PasswordReset));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Create_NewUser_MustChangePassword_AndIsAudited(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var admin = await ActorAsync(app, "sysadmin", Roles.SystemAdmin);
        var department = await DepartmentIdAsync(app);
        int id;
        using (var scope = app.Services.CreateScope())
        {
            id = await scope.ServiceProvider.GetRequiredService<AccountService>()
                .CreateAsync(admin, new UserInput("newclerk", "新信息员", "newclerk@example.org", department, [Roles.Officer]), NewPassword);
        }

        await using (var db = app.CreateDbContext())
        {
            var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == id);
            Assert.Equal("newclerk", user.UserName);
            Assert.True(user.MustChangePassword);
            Assert.False(user.IsDisabled);
            var roles = await db.UserRoles.Where(ur => ur.UserId == id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.Name).ToListAsync();
            Assert.Equal([Roles.Officer], roles);
            var created = await db.AuditRecords.AsNoTracking().SingleAsync(a => a.Action == AuditActions.UserCreated);
            Assert.Equal("user:newclerk", created.Target);
            Assert.Equal(admin.UserId, created.ActorId);
            Assert.Equal("sysadmin", created.ActorName);
            Assert.Equal(AuditOutcome.Success, created.Outcome);
        }

        // The first sign-in goes to the password change, not into the portal.
        using var client = app.CreatePortalClient();
        var response = await client.PostSignInAsync("newclerk", NewPassword);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/password-expired", PathOf(response));
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/office")).StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Disable_EndsTheUsersSessions(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var admin = await ActorAsync(app, "sysadmin", Roles.SystemAdmin);
        using var client = app.CreatePortalClient();
        await client.SignInAsync("officer");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/office")).StatusCode);

        var officer = await UserIdAsync(app, "officer");
        using (var scope = app.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<AccountService>().SetDisabledAsync(admin, officer, true);
        }

        var after = await client.GetAsync("/office");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/account/login", PathOf(after));

        using var again = app.CreatePortalClient();
        var signIn = await again.PostSignInAsync("officer", PortalFactory.DemoPassword);
        Assert.NotEqual(HttpStatusCode.Redirect, signIn.StatusCode);
        await using var db = app.CreateDbContext();
        Assert.True((await db.Users.AsNoTracking().SingleAsync(u => u.Id == officer)).IsDisabled);
        Assert.True(await db.AuditRecords.AnyAsync(a => a.Action == AuditActions.UserDisabled && a.Target == "user:officer"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ResetPassword_ForcesChangeAtNextSignIn(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var admin = await ActorAsync(app, "sysadmin", Roles.SystemAdmin);
        using var before = app.CreatePortalClient();
        await before.SignInAsync("officer");
        var officer = await UserIdAsync(app, "officer");

        using (var scope = app.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<AccountService>().ResetPasswordAsync(admin, officer, NewPassword);
        }

        // The reset ends the running session.
        var old = await before.GetAsync("/office");
        Assert.Equal(HttpStatusCode.Redirect, old.StatusCode);
        Assert.Equal("/account/login", PathOf(old));

        using var client = app.CreatePortalClient();
        var response = await client.PostSignInAsync("officer", NewPassword);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/password-expired", PathOf(response));

        await using var db = app.CreateDbContext();
        Assert.True((await db.Users.AsNoTracking().SingleAsync(u => u.Id == officer)).MustChangePassword);
        Assert.True(await db.AuditRecords.AnyAsync(a => a.Action == AuditActions.PasswordReset && a.Target == "user:officer"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task FourAccountWrites_InOneCircuitScope_AllSucceed(string provider)
    {
        // One DI scope for all of them, as a Blazor circuit holds its services for the page's life.
        await using var app = await PortalFactory.CreateAsync(provider);
        var admin = await ActorAsync(app, "sysadmin", Roles.SystemAdmin);
        var officer = await UserIdAsync(app, "officer2");
        using var circuit = app.Services.CreateScope();
        var accounts = circuit.ServiceProvider.GetRequiredService<AccountService>();

        await accounts.SetDisabledAsync(admin, officer, true);
        await accounts.SetDisabledAsync(admin, officer, false);
        var summary = (await accounts.ListAsync(admin, new UserQuery("officer2"))).Single();
        await accounts.UpdateAsync(admin, officer, new UserInput("officer2", "王药监（调岗）", null, summary.DepartmentId, [Roles.Officer, Roles.DeptHead]));
        await accounts.ResetPasswordAsync(admin, officer, NewPassword);

        await using var db = app.CreateDbContext();
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == officer);
        Assert.Equal(("王药监（调岗）", false, true), (user.DisplayName, user.IsDisabled, user.MustChangePassword));
    }

    private static string? PathOf(HttpResponseMessage response) =>
        response.Headers.Location is { } location ? new Uri(new Uri("http://localhost"), location).AbsolutePath : null;

    private static async Task<int> UserIdAsync(PortalFactory app, string userName)
    {
        await using var db = app.CreateDbContext();
        return await db.Users.Where(u => u.UserName == userName).Select(u => u.Id).SingleAsync();
    }

    private static async Task<int> DepartmentIdAsync(PortalFactory app)
    {
        await using var db = app.CreateDbContext();
        return await db.Departments.Where(d => d.IsActive).OrderBy(d => d.Id).Select(d => d.Id).FirstAsync();
    }

    /// <summary>An actor as the sign-in would build it: the real user's id with the given role.</summary>
    private static async Task<Actor> ActorAsync(PortalFactory app, string userName, string role)
    {
        await using var db = app.CreateDbContext();
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.UserName == userName);
        return new Actor(user.Id, userName, user.DisplayName, user.DepartmentId, new HashSet<string>(StringComparer.Ordinal) { role }, "127.0.0.1");
    }
}
