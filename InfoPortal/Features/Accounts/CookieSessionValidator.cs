using InfoPortal.Infrastructure.Security;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace InfoPortal.Features.Accounts;

/// <summary>
/// Checks the server-side session behind a sign-in cookie on every request: a superseded,
/// idle, signed-out or disabled session signs the browser out. A changed security stamp
/// (roles edited) re-issues the cookie with fresh claims.
/// </summary>
public static class CookieSessionValidator
{
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        if (principal is null || !TryRead(principal, out var sessionId, out var userId))
        {
            context.RejectPrincipal();
            return;
        }

        var services = context.HttpContext.RequestServices;
        var check = await services.GetRequiredService<SessionService>().ValidateAsync(sessionId, userId, touch: true, context.HttpContext.RequestAborted);
        if (!check.IsValid)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
            return;
        }

        var stampType = services.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity.SecurityStampClaimType;
        if (principal.FindFirstValue(stampType) != check.SecurityStamp)
        {
            var users = services.GetRequiredService<UserManager<AppUser>>();
            var user = await users.FindByIdAsync(userId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (user is null)
            {
                context.RejectPrincipal();
                return;
            }

            var fresh = await services.GetRequiredService<IUserClaimsPrincipalFactory<AppUser>>().CreateAsync(user);
            ((ClaimsIdentity)fresh.Identity!).AddClaim(new Claim(Actor.SessionClaim, sessionId.ToString()));
            context.ReplacePrincipal(fresh);
            context.ShouldRenew = true;
        }
    }

    public static bool TryRead(ClaimsPrincipal principal, out Guid sessionId, out int userId)
    {
        sessionId = default;
        userId = default;
        return Guid.TryParse(principal.FindFirstValue(Actor.SessionClaim), out sessionId) &&
               int.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out userId);
    }
}

/// <summary>
/// Open Blazor circuits re-check their session every few seconds, so a newer sign-in elsewhere,
/// an idle timeout or a disabled account ends the page's sign-in without a reload.
/// </summary>
public sealed class SessionRevalidatingStateProvider(ILoggerFactory loggerFactory, IServiceScopeFactory scopes, IOptions<SecurityOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(options.Value.Session.RevalidateSeconds);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        if (!CookieSessionValidator.TryRead(authenticationState.User, out var sessionId, out var userId))
        {
            return false;
        }

        await using var scope = scopes.CreateAsyncScope();
        var check = await scope.ServiceProvider.GetRequiredService<SessionService>().ValidateAsync(sessionId, userId, touch: false, cancellationToken);
        return check.IsValid;
    }
}

/// <summary>Counts what a user does inside a circuit as activity, so working in one page is not "idle".</summary>
public sealed class SessionActivityCircuitHandler(AuthenticationStateProvider authentication, SessionService sessions, TimeProvider clock) : CircuitHandler
{
    private DateTimeOffset _lastTouch = DateTimeOffset.MinValue;

    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        async context =>
        {
            var now = clock.GetUtcNow();
            if (now - _lastTouch > TimeSpan.FromSeconds(60))
            {
                _lastTouch = now;
                var state = await authentication.GetAuthenticationStateAsync();
                if (CookieSessionValidator.TryRead(state.User, out var sessionId, out var userId))
                {
                    await sessions.ValidateAsync(sessionId, userId, touch: true);
                }
            }

            await next(context);
        };
}
