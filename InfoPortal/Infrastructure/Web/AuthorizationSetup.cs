using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;

namespace InfoPortal.Infrastructure.Web;

public static class AuthorizationSetup
{
    /// <summary>
    /// Everything needs a signed-in user unless it says [AllowAnonymous]: a new page that forgets
    /// its attribute is closed, not open.
    /// </summary>
    public static IServiceCollection AddPortalAuthorization(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(IdentityConstants.ApplicationScheme).RequireAuthenticatedUser().Build());
        return services;
    }
}
