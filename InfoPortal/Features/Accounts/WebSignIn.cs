using InfoPortal.Infrastructure.Security;
using System.Security.Claims;
using InfoPortal.Features.Audit;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;

namespace InfoPortal.Features.Accounts;

/// <summary>Turns a checked sign-in into a browser session: a server-side session row plus the cookie that names it.</summary>
public sealed class WebSignIn(SessionService sessions, IUserClaimsPrincipalFactory<AppUser> claims, AuditLog audit)
{
    public async Task SignInAsync(HttpContext http, AppUser user)
    {
        var ip = http.Connection.RemoteIpAddress?.ToString();
        var session = await sessions.StartAsync(user, ip, http.Request.Headers.UserAgent.ToString(), http.RequestAborted);
        var principal = await claims.CreateAsync(user);
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(Actor.SessionClaim, session.Id.ToString()));
        await http.SignOutAsync(IdentityConstants.TwoFactorUserIdScheme);
        await http.SignInAsync(IdentityConstants.ApplicationScheme, principal, new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });
        await audit.AppendAsync(new AuditEntry(user.Id, user.UserName ?? "", ip, AuditActions.SignIn, user.UserName, AuditOutcome.Success, $"web; session:{session.Id}"), http.RequestAborted);
    }

    /// <summary>Remembers a user whose password was right but who still owes the second factor.</summary>
    public static Task RememberTwoFactorUserAsync(HttpContext http, AppUser user)
    {
        var identity = new ClaimsIdentity(IdentityConstants.TwoFactorUserIdScheme);
        identity.AddClaim(new Claim(ClaimTypes.Name, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return http.SignInAsync(IdentityConstants.TwoFactorUserIdScheme, new ClaimsPrincipal(identity),
            new AuthenticationProperties { ExpiresUtc = DateTimeOffset.UtcNow.AddMinutes(5) });
    }

    public static async Task<int?> GetTwoFactorUserIdAsync(HttpContext http)
    {
        var result = await http.AuthenticateAsync(IdentityConstants.TwoFactorUserIdScheme);
        return int.TryParse(result.Principal?.FindFirstValue(ClaimTypes.Name), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null;
    }

    public async Task SignOutAsync(HttpContext http)
    {
        var user = http.User;
        if (CookieSessionValidator.TryRead(user, out var sessionId, out var userId))
        {
            await sessions.EndAsync(sessionId, SessionEndReason.SignedOut, http.RequestAborted);
            await audit.AppendAsync(new AuditEntry(userId, user.Identity?.Name ?? "", http.Connection.RemoteIpAddress?.ToString(), AuditActions.SignOut, user.Identity?.Name, AuditOutcome.Success, $"session:{sessionId}"), http.RequestAborted);
        }

        await http.SignOutAsync(IdentityConstants.ApplicationScheme);
    }
}
