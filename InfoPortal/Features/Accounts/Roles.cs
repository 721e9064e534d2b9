namespace InfoPortal.Features.Accounts;

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

    /// <summary>三权分立: the system, secrecy and audit administrators must be three different people.</summary>
    public static readonly IReadOnlyList<string> SeparationOfDuties = [SystemAdmin, SecrecyOfficer, AuditAdmin];

    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);

    /// <summary>
    /// Checks a set of roles against the separation-of-duties rule.
    /// Returns the conflicting pair, or null when the set is allowed.
    /// </summary>
    public static (string First, string Second)? FindSeparationConflict(IEnumerable<string> roles)
    {
        var held = SeparationOfDuties.Where(r => roles.Contains(r, StringComparer.Ordinal)).ToList();
        return held.Count > 1 ? (held[0], held[1]) : null;
    }
}
