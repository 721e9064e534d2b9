using Bunit;
using InfoPortal.Features.Accounts;
using InfoPortal.Features.Accounts.Pages;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace InfoPortal.Tests.Components;

/// <summary>
/// Account writes on /admin/users, one after another in one circuit (issue 10 item 6): bUnit keeps
/// one scope of the real app for the whole render, as a Blazor circuit does, so a service that held
/// Identity's context for the circuit would fail the second write with "Optimistic concurrency failure".
/// </summary>
public sealed class UsersPageCircuitTests
{
    private static async Task ClickMenuItemAsync(IRenderedComponent<Users> cut, IRenderedComponent<MudPopoverProvider> popovers, string userName, string item)
    {
        var row = cut.FindAll("[data-test=users-table] tbody tr").Single(r => r.QuerySelector("td")!.TextContent.Trim() == userName);
        await cut.InvokeAsync(() => row.QuerySelector("button")!.Click());
        // Only the open menu's items: every row has its own menu.
        popovers.WaitForAssertion(() => Assert.Single(popovers.FindAll($".mud-popover-open [data-test={item}]")));
        await popovers.InvokeAsync(() => popovers.Find($".mud-popover-open [data-test={item}]").Click());
        popovers.WaitForAssertion(() => Assert.Empty(popovers.FindAll($".mud-popover-open [data-test={item}]")));
    }

    private static async Task<AppUser> UserAsync(PortalFactory app, string userName)
    {
        await using var db = app.CreateDbContext();
        return await db.Users.AsNoTracking().SingleAsync(u => u.UserName == userName);
    }

    [Fact]
    public async Task DisableEnableThenEdit_InOneCircuit_AllSucceed()
    {
        await using var app = new PortalFactory();
        await using var ctx = await ComponentTestContext.CreateAsync(app, "sysadmin");
        var popovers = ctx.Render<MudPopoverProvider>();
        var dialogs = ctx.Render<MudDialogProvider>();
        var snackbars = ctx.Render<MudSnackbarProvider>();
        var cut = ctx.Render<Users>();
        cut.WaitForAssertion(() => Assert.Contains("officer2", cut.Find("[data-test=users-table]").TextContent));

        await ClickMenuItemAsync(cut, popovers, "officer2", "toggle-disabled");
        cut.WaitForAssertion(() => Assert.Contains("已停用", cut.FindAll("[data-test=users-table] tbody tr").Single(r => r.TextContent.Contains("officer2")).TextContent));
        Assert.True((await UserAsync(app, "officer2")).IsDisabled);

        await ClickMenuItemAsync(cut, popovers, "officer2", "toggle-disabled");
        cut.WaitForAssertion(() => Assert.DoesNotContain("已停用", cut.FindAll("[data-test=users-table] tbody tr").Single(r => r.TextContent.Contains("officer2")).TextContent));
        Assert.False((await UserAsync(app, "officer2")).IsDisabled);

        // The third write, on the same user and the same page: the one that used to fail.
        await ClickMenuItemAsync(cut, popovers, "officer2", "edit-user");
        dialogs.WaitForAssertion(() => Assert.NotEmpty(dialogs.FindAll("[data-test=display-name] input")));
        dialogs.Find("[data-test=display-name] input").Change("王药监（调岗）");
        await dialogs.InvokeAsync(() => dialogs.Find("[data-test=save-user]").Click());
        cut.WaitForAssertion(() => Assert.Contains("王药监（调岗）", cut.Find("[data-test=users-table]").TextContent));
        Assert.Equal("王药监（调岗）", (await UserAsync(app, "officer2")).DisplayName);

        // And a fourth on another account.
        await ClickMenuItemAsync(cut, popovers, "depthead3", "toggle-disabled");
        cut.WaitForAssertion(() => Assert.True(UserAsync(app, "depthead3").GetAwaiter().GetResult().IsDisabled));
        Assert.DoesNotContain("Optimistic", snackbars.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OwnRoles_Ticked_ShowTheLocalisedRefusalInTheDialog()
    {
        await using var app = new PortalFactory();
        await using var ctx = await ComponentTestContext.CreateAsync(app, "sysadmin");
        var popovers = ctx.Render<MudPopoverProvider>();
        var dialogs = ctx.Render<MudDialogProvider>();
        var cut = ctx.Render<Users>();
        cut.WaitForAssertion(() => Assert.Contains("sysadmin", cut.Find("[data-test=users-table]").TextContent));

        await ClickMenuItemAsync(cut, popovers, "sysadmin", "edit-user");
        dialogs.WaitForAssertion(() => Assert.NotEmpty(dialogs.FindAll("[data-role=Leader] input")));
        await dialogs.InvokeAsync(() => dialogs.Find("[data-role=Leader] input").Change(true));
        await dialogs.InvokeAsync(() => dialogs.Find("[data-test=save-user]").Click());

        dialogs.WaitForAssertion(() => Assert.Contains("不能修改自己的角色。", dialogs.Find("[role=alert]").TextContent));
        await using var db = app.CreateDbContext();
        var id = (await UserAsync(app, "sysadmin")).Id;
        Assert.Equal(1, await db.UserRoles.CountAsync(r => r.UserId == id));
    }
}
