namespace InfoPortal.Infrastructure.Security;

/// <summary>The role codes of DESIGN.md. They are the Identity role names and the API's role strings.</summary>
public static class Roles
{
    public const string Officer = nameof(Officer);
    public const string DeptHead = nameof(DeptHead);
    public const string OfficeDirector = nameof(OfficeDirector);
    public const string Leader = nameof(Leader);
    public const string PrincipalLeader = nameof(PrincipalLeader);
    public const string Publisher = nameof(Publisher);
    public const string SecrecyOfficer = nameof(SecrecyOfficer);
    public const string Assessor = nameof(Assessor);
    public const string SystemAdmin = nameof(SystemAdmin);
    public const string AuditAdmin = nameof(AuditAdmin);

    public static readonly IReadOnlyList<string> All =
    [
        Officer, DeptHead, OfficeDirector, Leader, PrincipalLeader,
        Publisher, SecrecyOfficer, Assessor, SystemAdmin, AuditAdmin,
    ];

    /// <summary>
    /// 三权分立 (ADR 0022): the system administrator, the secrecy officer and the audit administrator
    /// are three different people, and none of them also holds a business role: an administrator
    /// who could approve or publish would check their own work.
    /// </summary>
    public static readonly IReadOnlyList<string> SeparationOfDuties = [SystemAdmin, SecrecyOfficer, AuditAdmin];

    /// <summary>The roles that do the business: draft, review, publish, assess.</summary>
    public static readonly IReadOnlyList<string> Business = [.. All.Except(SeparationOfDuties)];

    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);

    /// <summary>
    /// Checks a set of roles against the separation-of-duties rule: one of the three separated
    /// roles is held alone. Returns a conflicting pair (in the order of <see cref="All"/>), or null
    /// when the set is allowed.
    /// </summary>
    public static (string First, string Second)? FindSeparationConflict(IEnumerable<string> roles)
    {
        var held = All.Where(r => roles.Contains(r, StringComparer.Ordinal)).ToList();
        if (held.Count < 2 || !held.Any(SeparationOfDuties.Contains))
        {
            return null;
        }

        var separated = held.First(SeparationOfDuties.Contains);
        var other = held.First(r => r != separated);
        return All.ToList().IndexOf(other) < All.ToList().IndexOf(separated) ? (other, separated) : (separated, other);
    }
}
