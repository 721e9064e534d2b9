using InfoPortal.Infrastructure.Security;
using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace InfoPortal.Features.Accounts;

/// <summary>Adds the department and display name to the sign-in, so services know them without a query.</summary>
public sealed class PortalClaimsFactory(UserManager<AppUser> users, RoleManager<AppRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<AppUser, AppRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(Actor.DepartmentClaim, user.DepartmentId.ToString(CultureInfo.InvariantCulture)));
        identity.AddClaim(new Claim(Actor.DisplayNameClaim, user.DisplayName));
        return identity;
    }
}
