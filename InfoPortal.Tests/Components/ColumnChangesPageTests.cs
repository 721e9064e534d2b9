using Bunit;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Columns;
using InfoPortal.Features.Columns.Governance;
using InfoPortal.Features.Columns.Pages;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Components;

/// <summary>The column-change page: a leader decides with an opinion, then the Publisher applies; each sees only their own buttons.</summary>
public sealed class ColumnChangesPageTests(ColumnChangesPageTests.Fixture app) : IClassFixture<ColumnChangesPageTests.Fixture>
{
    public sealed class Fixture : PortalFactory;

    [Fact]
    public async Task Leader_Approves_ThenPublisher_Applies()
    {
        using var scope = app.Services.CreateScope();
        var changes = scope.ServiceProvider.GetRequiredService<ColumnChangeService>();
        var change = await changes.ProposeAsync(await ActorAsync("director"), new ColumnChangeInput(ColumnChangeKind.Create, Site.External, "开设专题。", Name: "页面测试专栏"));

        await using (var ctx = await ComponentTestContext.CreateAsync(app, "publisher"))
        {
            var cut = ctx.Render<ColumnChangesPage>();
            cut.WaitForAssertion(() => Assert.Contains("新建外网栏目“页面测试专栏”", cut.Find("[data-test=changes-table]").TextContent));
            Assert.Empty(cut.FindAll("[data-test=decide]"));   // the Publisher does not decide
            Assert.Empty(cut.FindAll("[data-test=apply]"));    // nor apply before a leader approved
        }

        await using (var ctx = await ComponentTestContext.CreateAsync(app, "leader"))
        {
            var cut = ctx.Render<ColumnChangesPage>();
            cut.WaitForAssertion(() => Assert.Contains("待审批", cut.Find("[data-test=changes-table]").TextContent));
            await cut.InvokeAsync(() => cut.Find("[data-test=decide]").Click());
            await cut.InvokeAsync(() => cut.Find("[data-test=decision-panel] textarea").Change("同意开设。"));
            await cut.InvokeAsync(() => cut.Find("[data-test=approve]").Click());
            cut.WaitForAssertion(() => Assert.Contains("已同意", cut.Find("[data-test=changes-table]").TextContent));
            Assert.Contains("同意开设。", cut.Find("[data-test=changes-table]").TextContent);
            Assert.Empty(cut.FindAll("[data-test=apply]"));    // a leader does not apply
        }

        await using (var ctx = await ComponentTestContext.CreateAsync(app, "publisher"))
        {
            var cut = ctx.Render<ColumnChangesPage>();
            cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-test=apply]")));
            await cut.InvokeAsync(() => cut.Find("[data-test=apply]").Click());
            cut.WaitForAssertion(() => Assert.Contains("已执行", cut.Find("[data-test=changes-table]").TextContent));
        }

        await using var db = app.CreateDbContext();
        Assert.True(await db.Columns.AnyAsync(c => c.Name == "页面测试专栏" && !c.IsRetired));
        Assert.Equal(ColumnChangeStatus.Applied, (await db.ColumnChangeRequests.SingleAsync(c => c.Id == change.Id)).Status);
    }

    private async Task<Actor> ActorAsync(string userName)
    {
        await using var db = app.CreateDbContext();
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.UserName == userName);
        var roles = await db.UserRoles.Where(r => r.UserId == user.Id).Join(db.Roles, r => r.RoleId, r => r.Id, (_, r) => r.Name!).ToListAsync();
        return new Actor(user.Id, userName, user.DisplayName, user.DepartmentId, roles.ToHashSet(StringComparer.Ordinal), "127.0.0.1");
    }
}
