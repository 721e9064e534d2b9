using System.Globalization;
using Bunit;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Accounts.Pages;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace InfoPortal.Tests.Components;

/// <summary>
/// Account writes on the users page, one after another in one circuit (issue 10 item 6): bUnit
/// keeps one scope of the real app for the whole render, as a Blazor circuit does, so a service
/// that held Identity's context for the circuit failed every write after the first with
/// "Optimistic concurrency failure". The page's user dialog saves through the same scoped service.
/// </summary>
public sealed class UsersPageCircuitTests
{
    private static async Task<(Actor Admin, AccountService Accounts, IReadOnlyList<DepartmentSummary> Departments)> CircuitAsync(BunitContext ctx, PortalFactory app)
    {
        await using var db = app.CreateDbContext();
        var admin = await db.Users.AsNoTracking().SingleAsync(u => u.UserName == "sysadmin");
        var actor = new Actor(admin.Id, "sysadmin", admin.DisplayName, admin.DepartmentId, new HashSet<string> { Roles.SystemAdmin }, "127.0.0.1");
        return (actor, ctx.Services.GetRequiredService<AccountService>(), await ctx.Services.GetRequiredService<DepartmentService>().ListAsync());
    }

    /// <summary>Opens the page's own edit dialog for a user, as the row menu's 编辑 does.</summary>
    private static async Task OpenEditAsync(BunitContext ctx, IRenderedComponent<MudDialogProvider> dialogs, UserSummary user, IReadOnlyList<DepartmentSummary> departments)
    {
        var service = ctx.Services.GetRequiredService<IDialogService>();
        await dialogs.InvokeAsync(() => service.ShowAsync<UserDialog>("编辑用户",
            new DialogParameters<UserDialog> { { d => d.Existing, user }, { d => d.Departments, departments } }));
        dialogs.WaitForAssertion(() => Assert.Single(dialogs.FindAll("input[data-test=display-name]")));
    }

    [Fact]
    public async Task DisableEnableThenTwoEdits_InOneCircuit_AllSucceed()
    {
        await using var app = new PortalFactory();
        await using var ctx = await ComponentTestContext.CreateAsync(app, "sysadmin");
        var dialogs = ctx.Render<MudDialogProvider>();
        var (admin, accounts, departments) = await CircuitAsync(ctx, app);
        var cut = ctx.Render<Users>();
        cut.WaitForAssertion(() => Assert.Contains("officer2", cut.Find("[data-test=users-table]").TextContent));
        var officer2 = (await accounts.ListAsync(admin, new UserQuery("officer2"))).Single();

        // The two writes of the reproduction, through the circuit's own service instance.
        await accounts.SetDisabledAsync(admin, officer2.Id, true);
        await accounts.SetDisabledAsync(admin, officer2.Id, false);

        // Then two saves in the page's dialog, on the same account.
        foreach (var name in new[] { "王药监（调岗）", "王药监（复岗）" })
        {
            await OpenEditAsync(ctx, dialogs, (await accounts.ListAsync(admin, new UserQuery("officer2"))).Single(), departments);
            dialogs.Find("input[data-test=display-name]").Change(name);
            await dialogs.InvokeAsync(() => dialogs.Find("button[data-test=save-user]").Click());
            dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("input[data-test=display-name]")));
            await using var db = app.CreateDbContext();
            Assert.Equal(name, (await db.Users.AsNoTracking().SingleAsync(u => u.Id == officer2.Id)).DisplayName);
        }

        await using var check = app.CreateDbContext();
        Assert.False((await check.Users.AsNoTracking().SingleAsync(u => u.Id == officer2.Id)).IsDisabled);
    }

    [Fact]
    public async Task OwnRoles_Ticked_ShowTheLocalisedRefusalInTheDialog()
    {
        await using var app = new PortalFactory();
        await using var ctx = await ComponentTestContext.CreateAsync(app, "sysadmin");
        var dialogs = ctx.Render<MudDialogProvider>();
        var (admin, accounts, departments) = await CircuitAsync(ctx, app);
        var self = (await accounts.ListAsync(admin, new UserQuery("sysadmin"))).Single();

        await OpenEditAsync(ctx, dialogs, self, departments);
        await dialogs.InvokeAsync(() => dialogs.Find("input[data-role=Leader]").Change(true));
        await dialogs.InvokeAsync(() => dialogs.Find("button[data-test=save-user]").Click());

        dialogs.WaitForAssertion(() => Assert.Contains("不能修改自己的角色。", dialogs.Find("[role=alert]").TextContent));
        await using var db = app.CreateDbContext();
        Assert.Equal(1, await db.UserRoles.CountAsync(r => r.UserId == self.Id));
        Assert.Equal(CultureInfo.GetCultureInfo("zh-CN"), CultureInfo.CurrentUICulture);
    }
}
