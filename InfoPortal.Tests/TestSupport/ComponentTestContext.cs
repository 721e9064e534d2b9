using System.Globalization;
using System.Security.Claims;
using Bunit;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace InfoPortal.Tests.TestSupport;

/// <summary>
/// bUnit set-up shared by component tests: MudBlazor services, loose JS interop, the server
/// renderer, a real app (fresh SQLite, demo data) whose services the components call, and a
/// signed-in demo user.
/// </summary>
public static class ComponentTestContext
{
    /// <summary>A context for rendering as <paramref name="userName"/> (or nobody) in <paramref name="culture"/>.</summary>
    public static Task<BunitContext> CreateAsync(PortalFactory app, string? userName = null, string culture = "zh-CN")
    {
        // Set here, not inside the async part: a culture set in an async method does not flow back.
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
        return CreateCoreAsync(app, userName);
    }

    private static async Task<BunitContext> CreateCoreAsync(PortalFactory app, string? userName)
    {
        var ctx = new BunitContext();
        ctx.Services.AddMudServices();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        if (userName is not null)
        {
            await SignInAsync(ctx, app, userName);
        }

        // Who is acting comes from bUnit's authentication state, not the app's.
        ctx.Services.AddScoped<InfoPortal.Infrastructure.Web.ClientContext>();
        ctx.Services.AddScoped<InfoPortal.Infrastructure.Security.CurrentActor>();

        // The app's own services, resolved from a scope of the real app.
        var scope = app.Services.CreateScope();
        ctx.Services.AddSingleton(scope);
        ctx.Services.AddFallbackServiceProvider(scope.ServiceProvider);
        ctx.SetRendererInfo(new RendererInfo("Server", true));
        return ctx;
    }

    /// <summary>Signs a demo user in for the component (claims as the app's sign-in makes them).</summary>
    private static async Task SignInAsync(BunitContext ctx, PortalFactory app, string userName)
    {
        await using var db = app.CreateDbContext();
        var user = await db.Users.SingleAsync(u => u.UserName == userName);
        var roles = await db.UserRoles.Where(r => r.UserId == user.Id).Join(db.Roles, r => r.RoleId, r => r.Id, (_, r) => r.Name!).ToListAsync();
        var auth = ctx.AddAuthorization();
        auth.SetAuthorized(userName);
        auth.SetRoles([.. roles]);
        auth.SetClaims(
            new Claim(ClaimTypes.NameIdentifier, user.Id.ToString(CultureInfo.InvariantCulture)),
            new Claim(Actor.DepartmentClaim, user.DepartmentId.ToString(CultureInfo.InvariantCulture)),
            new Claim(Actor.DisplayNameClaim, user.DisplayName));
    }
}
