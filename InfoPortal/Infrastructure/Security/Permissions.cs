using System.Collections.Frozen;

namespace InfoPortal.Infrastructure.Security;

/// <summary>
/// What a user may do, by name (ADR 0058): <c>area:action</c> in lower case, so a code never reads as a
/// resource key. Pages and endpoints demand a permission (a policy of the same
/// name), services ask <see cref="Actor.Has"/>; which roles grant which permission is the one table
/// <see cref="Grants"/>, shown read-only to the system administrator at /admin/permissions and printed in
/// the README. Who signs a given step of a review chain is not a permission: the chain names the role.
/// </summary>
public static class Permissions
{
    public static class Requests
    {
        /// <summary>Draft, edit, submit and withdraw one's own requests (the 申请表).</summary>
        public const string Draft = "requests:draft";

        /// <summary>Read requests (one's department or, with <see cref="ReadAll"/>, every one) and preview them.</summary>
        public const string Read = "requests:read";

        /// <summary>Read every request of one's own department, drafts included.</summary>
        public const string ReadDepartment = "requests:read-department";

        /// <summary>Read the requests of every department once submitted.</summary>
        public const string ReadAll = "requests:read-all";

        /// <summary>Print approval records as one book (one's own department's).</summary>
        public const string PrintRecords = "requests:print-records";

        /// <summary>Print the approval records of every department.</summary>
        public const string PrintAllRecords = "requests:print-all-records";
    }

    public static class Chains
    {
        public const string View = "chains:view";
        public const string Propose = "chains:propose";
        public const string Decide = "chains:decide";

        /// <summary>Pick the chain new submissions use (the system administrator).</summary>
        public const string Activate = "chains:activate";
    }

    public static class Review
    {
        /// <summary>The review queue: the requests waiting at a step the user's role signs.</summary>
        public const string Queue = "review:queue";
    }

    public static class Publishing
    {
        /// <summary>Publish, schedule and take down.</summary>
        public const string Publish = "publishing:publish";

        /// <summary>Take a published item down (the web administrator, and the secrecy officer on a finding).</summary>
        public const string TakeDown = "publishing:take-down";
    }

    public static class Columns
    {
        public const string Manage = "columns:manage";
        public const string ViewChanges = "columns:view-changes";
        public const string ProposeChange = "columns:propose-change";
        public const string DecideChange = "columns:decide-change";
        public const string ApplyChange = "columns:apply-change";
    }

    public static class Archive
    {
        /// <summary>Read the archive (one's department or, with <see cref="ReadAll"/>, every one) and export it.</summary>
        public const string Read = "archive:read";

        public const string ReadDepartment = "archive:read-department";

        /// <summary>Read the archive of every department and verify its chain.</summary>
        public const string ReadAll = "archive:read-all";
    }

    public static class Screening
    {
        public const string ViewLists = "screening:view-lists";
        public const string EditLists = "screening:edit-lists";

        /// <summary>Clear an attachment that cannot be read by machine, by hand.</summary>
        public const string ReviewFiles = "screening:review-files";
    }

    public static class Monitoring
    {
        /// <summary>The monitoring page and the daily runs.</summary>
        public const string ViewRuns = "monitoring:view-runs";

        /// <summary>Alerts and incidents.</summary>
        public const string ViewAlerts = "monitoring:view-alerts";

        public const string RunNow = "monitoring:run-now";

        /// <summary>Take down, dismiss, record and close incidents.</summary>
        public const string Handle = "monitoring:handle";

        public const string SecrecyReport = "monitoring:secrecy-report";
        public const string ReadDuty = "monitoring:read-duty";
        public const string SignDuty = "monitoring:sign-duty";
    }

    public static class Statistics
    {
        /// <summary>Statistics and bulletins (a department head: their own department's).</summary>
        public const string Read = "statistics:read";

        /// <summary>Statistics of every department.</summary>
        public const string ReadAll = "statistics:read-all";
        public const string ReadAssessment = "statistics:read-assessment";

        /// <summary>Adjust the assessment's counts.</summary>
        public const string Adjust = "statistics:adjust";

        /// <summary>Mark an item used by higher authorities (counts in the assessment).</summary>
        public const string MarkUsed = "statistics:mark-used";
    }

    public static class Interaction
    {
        /// <summary>The office's message pages.</summary>
        public const string Handle = "interaction:handle";

        /// <summary>Receive, route and publish public messages (the web administrator).</summary>
        public const string Route = "interaction:route";

        /// <summary>Draft the reply to a message routed to one's department.</summary>
        public const string Reply = "interaction:reply";

        /// <summary>Sign the department's reply.</summary>
        public const string ApproveReply = "interaction:approve-reply";

        /// <summary>The message figures (statistics of the 互动栏目).</summary>
        public const string ViewFigures = "interaction:view-figures";
    }

    public static class Accounts
    {
        public const string ManageUsers = "accounts:manage-users";
        public const string ManageDepartments = "accounts:manage-departments";

        /// <summary>Read this table.</summary>
        public const string ViewPermissions = "accounts:view-permissions";
    }

    public static class Audit
    {
        public const string Read = "audit:read";
    }

    public static class Jobs
    {
        public const string View = "jobs:view";
        public const string Run = "jobs:run";
    }

    private const string O = Roles.Officer, H = Roles.DeptHead, D = Roles.OfficeDirector, L = Roles.Leader, P = Roles.PrincipalLeader,
        W = Roles.Publisher, S = Roles.SecrecyOfficer, A = Roles.Assessor, Y = Roles.SystemAdmin, U = Roles.AuditAdmin;

    /// <summary>
    /// The table: each permission and the roles that grant it, in the order of the README's matrix.
    /// 三权分立 (ADR 0022) holds here too: the system administrator and the audit administrator grant
    /// nothing that drafts, signs or publishes (a test checks it).
    /// </summary>
    public static readonly IReadOnlyList<(string Permission, string[] Roles)> Grants =
    [
        (Requests.Draft, [O]),
        (Requests.Read, [O, H, D, L, P, W, S, A]),
        (Requests.ReadDepartment, [O, H]),
        (Requests.ReadAll, [D, L, P, W, S, A]),
        (Requests.PrintRecords, [H, D, L, P, W, U]),
        (Requests.PrintAllRecords, [D, L, P, W, U]),
        (Chains.View, [D, L, P, Y]),
        (Chains.Propose, [D]),
        (Chains.Decide, [L, P]),
        (Chains.Activate, [Y]),
        (Review.Queue, [H, D, L, P, S]),
        (Publishing.Publish, [W]),
        (Publishing.TakeDown, [W, S]),
        (Columns.Manage, [D, W]),
        (Columns.ViewChanges, [D, L, P, W]),
        (Columns.ProposeChange, [D, W]),
        (Columns.DecideChange, [L, P]),
        (Columns.ApplyChange, [W]),
        (Archive.Read, [O, H, D, L, P, W, U]),
        (Archive.ReadDepartment, [O, H]),
        (Archive.ReadAll, [D, L, P, W, U]),
        (Screening.ViewLists, [S, Y]),
        (Screening.EditLists, [S]),
        (Screening.ReviewFiles, [S]),
        (Monitoring.ViewRuns, [D, L, P, W, S, Y]),
        (Monitoring.ViewAlerts, [D, L, P, W, S]),
        (Monitoring.RunNow, [W, Y]),
        (Monitoring.Handle, [W, S]),
        (Monitoring.SecrecyReport, [D, L, P, S, U]),
        (Monitoring.ReadDuty, [D, L, P, W, U]),
        (Monitoring.SignDuty, [W]),
        (Statistics.Read, [H, D, L, P, W, A]),
        (Statistics.ReadAll, [D, L, P, W, A]),
        (Statistics.ReadAssessment, [D, L, P, W, A]),
        (Statistics.Adjust, [W, A]),
        (Statistics.MarkUsed, [L, P, W]),
        (Interaction.Handle, [O, H, W]),
        (Interaction.Route, [W]),
        (Interaction.Reply, [O, H]),
        (Interaction.ApproveReply, [H]),
        (Interaction.ViewFigures, [D, L, P, W, A]),
        (Accounts.ManageUsers, [Y]),
        (Accounts.ManageDepartments, [Y]),
        (Accounts.ViewPermissions, [Y]),
        (Audit.Read, [U]),
        (Jobs.View, [A, Y]),
        (Jobs.Run, [Y]),
    ];

    private static readonly FrozenDictionary<string, string[]> RolesByPermission =
        Grants.ToFrozenDictionary(g => g.Permission, g => g.Roles, StringComparer.Ordinal);

    /// <summary>Every permission, in the table's order.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Grants.Select(g => g.Permission)];

    /// <summary>The roles that grant <paramref name="permission"/>, in the order of <see cref="Roles.All"/>; throws for an unknown name.</summary>
    public static string[] RolesWith(string permission) =>
        RolesByPermission.TryGetValue(permission, out var roles)
            ? [.. Roles.All.Where(roles.Contains)]
            : throw new ArgumentException($"unknown permission '{permission}'", nameof(permission));

    /// <summary>Whether a signed-in user's role claims grant <paramref name="permission"/> (menus, dashboards outside a service).</summary>
    public static bool Granted(System.Security.Claims.ClaimsPrincipal user, string permission) =>
        user.Identity?.IsAuthenticated == true && RolesByPermission.TryGetValue(permission, out var granting) && granting.Any(user.IsInRole);

    /// <summary>Whether any of <paramref name="roles"/> grants <paramref name="permission"/>; false for an unknown name (fail closed).</summary>
    public static bool Granted(IEnumerable<string> roles, string permission) =>
        RolesByPermission.TryGetValue(permission, out var granting) && roles.Any(granting.Contains);
}
