using System.Globalization;
using System.Security.Claims;

namespace InfoPortal.Infrastructure.Security;

/// <summary>
/// Who is acting, as services see it: built from the sign-in (cookie or bearer token) plus the
/// client address. Services decide permissions from this, never from the UI.
/// </summary>
public sealed record Actor(int? UserId, string UserName, string DisplayName, int? DepartmentId, IReadOnlySet<string> Roles, string? IpAddress)
{
    public const string DepartmentClaim = "infoportal:department";
    public const string DisplayNameClaim = "infoportal:display_name";
    public const string SessionClaim = "infoportal:session";

    public bool IsAuthenticated => UserId is not null;

    public bool IsInRole(string role) => Roles.Contains(role);

    public bool IsInAnyRole(params string[] roles) => roles.Any(Roles.Contains);

    /// <summary>Whether one of the actor's roles grants <paramref name="permission"/> (<see cref="Permissions"/>).</summary>
    public bool Has(string permission) => Permissions.Granted(Roles, permission);

    public static Actor Anonymous(string? ipAddress) =>
        new(null, "", "", null, new HashSet<string>(), ipAddress);

    /// <summary>For work the system does by itself (seeding, jobs, the command line).</summary>
    public static Actor System(string name = "system") =>
        new(null, name, name, null, new HashSet<string>(), null);

    public static Actor FromPrincipal(ClaimsPrincipal principal, string? ipAddress)
    {
        if (principal.Identity?.IsAuthenticated != true ||
            !int.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return Anonymous(ipAddress);
        }

        int? department = int.TryParse(principal.FindFirstValue(DepartmentClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var d) ? d : null;
        var roles = principal.FindAll(ClaimTypes.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        var name = principal.FindFirstValue(ClaimTypes.Name) ?? "";
        return new Actor(id, name, principal.FindFirstValue(DisplayNameClaim) ?? name, department, roles, ipAddress);
    }
}
