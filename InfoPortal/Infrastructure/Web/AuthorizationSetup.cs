using InfoPortal.Infrastructure.Security;
using Microsoft.AspNetCore.Authorization;

namespace InfoPortal.Infrastructure.Web;

public static class AuthorizationSetup
{
    /// <summary>
    /// Everything needs a signed-in user unless it says [AllowAnonymous]: a new page that forgets
    /// its attribute is closed, not open. The policy names no scheme on purpose: the authorization
    /// middleware re-authenticates with a policy's schemes even on anonymous endpoints, which would
    /// replace a bearer caller's identity with the cookie's (none) on /files and public pages.
    /// </summary>
    public static IServiceCollection AddPortalAuthorization(this IServiceCollection services)
    {
        var builder = services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());

        // One policy per permission, named like it, granted to the roles of the table (ADR 0058).
        foreach (var permission in Permissions.All)
        {
            builder.AddPolicy(permission, policy => policy.RequireRole(Permissions.RolesWith(permission)));
        }

        return services;
    }
}
