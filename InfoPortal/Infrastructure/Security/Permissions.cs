using System.Collections.Frozen;

namespace InfoPortal.Infrastructure.Security;

/// <summary>
/// What a user may do, by name (ADR 0058). Pages and endpoints demand a permission (a policy of the same
/// name), services ask <see cref="Actor.Has"/>; which roles grant which permission is the one table
/// <see cref="Grants"/>, shown read-only to the system administrator at /admin/permissions and printed in
/// the README. Who signs a given step of a review chain is not a permission: the chain names the role.
/// </summary>
public static class Permissions
{
    public static class Requests
    {
        /// <summary>Draft, edit, submit and withdraw one's own requests (the 申请表).</summary>
        public const string Draft = "Requests.Draft";

        /// <summary>Read requests (one's department or, with <see cref="ReadAll"/>, every one) and preview them.</summary>
        public const string Read = "Requests.Read";

        /// <summary>Read every request of one's own department, drafts included.</summary>
        public const string ReadDepartment = "Requests.ReadDepartment";

        /// <summary>Read the requests of every department once submitted.</summary>
        public const string ReadAll = "Requests.ReadAll";

        /// <summary>Print approval records as one book (one's own department's).</summary>
        public const string PrintRecords = "Requests.PrintRecords";

        /// <summary>Print the approval records of every department.</summary>
        public const string PrintAllRecords = "Requests.PrintAllRecords";
    }

    public static class Chains
    {
        public const string View = "Chains.View";
        public const string Propose = "Chains.Propose";
        public const string Decide = "Chains.Decide";

        /// <summary>Pick the chain new submissions use (the system administrator).</summary>
        public const string Activate = "Chains.Activate";
    }

    public static class Review
    {
        /// <summary>The review queue: the requests waiting at a step the user's role signs.</summary>
        public const string Queue = "Review.Queue";
    }

    public static class Publishing
    {
        /// <summary>Publish, schedule and take down.</summary>
        public const string Publish = "Publishing.Publish";

        /// <summary>Take a published item down (the web administrator, and the secrecy officer on a finding).</summary>
        public const string TakeDown = "Publishing.TakeDown";
    }

    public static class Columns
    {
        public const string Manage = "Columns.Manage";
        public const string ViewChanges = "Columns.ViewChanges";
        public const string ProposeChange = "Columns.ProposeChange";
        public const string DecideChange = "Columns.DecideChange";
        public const string ApplyChange = "Columns.ApplyChange";
    }

    public static class Archive
    {
        /// <summary>Read the archive (one's department or, with <see cref="ReadAll"/>, every one) and export it.</summary>
        public const string Read = "Archive.Read";

        public const string ReadDepartment = "Archive.ReadDepartment";

        /// <summary>Read the archive of every department and verify its chain.</summary>
        public const string ReadAll = "Archive.ReadAll";
    }

    public static class Screening
    {
        public const string ViewLists = "Screening.ViewLists";
        public const string EditLists = "Screening.EditLists";

        /// <summary>Clear an attachment that cannot be read by machine, by hand.</summary>
        public const string ReviewFiles = "Screening.ReviewFiles";
    }

    public static class Monitoring
    {
        /// <summary>The monitoring page and the daily runs.</summary>
        public const string ViewRuns = "Monitoring.ViewRuns";

        /// <summary>Alerts and incidents.</summary>
        public const string ViewAlerts = "Monitoring.ViewAlerts";

        public const string RunNow = "Monitoring.RunNow";

        /// <summary>Take down, dismiss, record and close incidents.</summary>
        public const string Handle = "Monitoring.Handle";

        public const string SecrecyReport = "Monitoring.SecrecyReport";
        public const string ReadDuty = "Monitoring.ReadDuty";
        public const string SignDuty = "Monitoring.SignDuty";
    }

    public static class Statistics
    {
        /// <summary>Statistics and bulletins (a department head: their own department's).</summary>
        public const string Read = "Statistics.Read";

        /// <summary>Statistics of every department.</summary>
        public const string ReadAll = "Statistics.ReadAll";
        public const string ReadAssessment = "Statistics.ReadAssessment";

        /// <summary>Adjust the assessment's counts.</summary>
        public const string Adjust = "Statistics.Adjust";

        /// <summary>Mark an item used by higher authorities (counts in the assessment).</summary>
        public const string MarkUsed = "Statistics.MarkUsed";
    }

    public static class Interaction
    {
        /// <summary>The office's message pages.</summary>
        public const string Handle = "Interaction.Handle";

        /// <summary>Receive, route and publish public messages (the web administrator).</summary>
        public const string Route = "Interaction.Route";

        /// <summary>Draft the reply to a message routed to one's department.</summary>
        public const string Reply = "Interaction.Reply";

        /// <summary>Sign the department's reply.</summary>
        public const string ApproveReply = "Interaction.ApproveReply";

        /// <summary>The message figures (statistics of the 互动栏目).</summary>
        public const string ViewFigures = "Interaction.ViewFigures";
    }

    public static class Accounts
    {
        public const string ManageUsers = "Accounts.ManageUsers";
        public const string ManageDepartments = "Accounts.ManageDepartments";

        /// <summary>Read this table.</summary>
        public const string ViewPermissions = "Accounts.ViewPermissions";
    }

    public static class Audit
    {
        public const string Read = "Audit.Read";
    }

    public static class Jobs
    {
        public const string View = "Jobs.View";
        public const string Run = "Jobs.Run";
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
