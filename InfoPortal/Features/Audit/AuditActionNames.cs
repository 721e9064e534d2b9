namespace InfoPortal.Features.Audit;

/// <summary>
/// Every action code the portal writes to the audit log, for the audit page's filter and its
/// display names (<c>Audit.Action.&lt;code&gt;</c> in zh-CN and en-US). The codes stay stable for
/// scripts and the CSV export; people read the names. A code missing here still shows, by name
/// if it has one — <c>ChineseEverywhereTests</c> fails on a page that shows a bare code.
/// </summary>
public static partial class AuditActionNames
{
    public static readonly string[] All =
    [
        // accounts (AuditActions)
        AuditActions.SignIn, AuditActions.SignOut, AuditActions.SessionEnded, AuditActions.TokenIssued, AuditActions.TokenRevoked,
        AuditActions.PasswordChanged, AuditActions.PasswordReset, AuditActions.TwoFactorChanged, AuditActions.UserCreated,
        AuditActions.UserUpdated, AuditActions.UserDisabled, AuditActions.UserEnabled, AuditActions.RolesChanged,
        AuditActions.DepartmentCreated, AuditActions.DepartmentUpdated, AuditActions.SettingsChanged, AuditActions.AuditExported,
        AuditActions.AuditVerified,

        // requests, review, publishing
        "RequestCreated", "RequestEdited", "RequestSubmitted", "RequestResubmitted", "RequestWithdrawn", "SubmitRefused",
        "AttachmentUploaded", "AttachmentRemoved", "ScreeningOverridden", "RequestApproved", "RequestReturned", "ApprovalRefused",
        "RequestPublished", "RequestScheduled", "ScheduledPublishStopped", "PublishRefused", "RequestTakenDown", "RequestUsedByHigherAuthorities",

        // monitoring, archive, statistics, jobs
        "AlertDismissed", "AlertTakenDown", "IncidentRecorded", "IncidentClosed", "MonitoringRun", "MonitoringRunRequested",
        "ArchiveExported", "ArchiveVerified", "StatisticsComputed", "BulletinComputed", "AssessmentComputed", "AssessmentAdjusted", "JobRunRequested", "JobRunManual",

        // columns
        "ColumnChangeProposed", "ColumnChangeApproved", "ColumnChangeRejected", "ColumnChangeApplied", "ColumnChangeApplyRefused", "ColumnChangeDecisionRefused",

        // interaction
        "MessageReceived", "MessageAssigned", "MessageReassigned", "MessageExtended", "MessageReplyDrafted", "MessageReplyApproved",
        "MessageReplyReturned", "MessageReplyBlocked", "MessageShown", "MessageHidden",

        // word lists
        "WordListCreated", "WordListDeleted", "WordListImported", "WordListExported", "WordListTermAdded", "WordListTermEdited", "WordListTermRemoved",
    ];

    /// <summary>
    /// A record's detail for people: the stored text (hash-chained, never rewritten) with the codes
    /// it carries — roles=Officer, a message kind, a status — shown by their names. The CSV export
    /// keeps the stored text.
    /// </summary>
    public static string Detail(Microsoft.Extensions.Localization.IStringLocalizer L, string? detail) =>
        string.IsNullOrEmpty(detail) ? "" : Code().Replace(detail, m =>
        {
            foreach (var prefix in DetailPrefixes)
            {
                var name = L[prefix + m.Value];
                if (!name.ResourceNotFound)
                {
                    return name.Value;
                }
            }

            return m.Value;
        });

    private static readonly string[] DetailPrefixes = ["Role.", "Interaction.Kind.", "Requests.Status.", "Kind.", "Importance.", "Audit.Outcome.", "Screening.Category.", "Screening.Level.", "SessionEnd."];

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<![A-Za-z0-9_\-./:#])[A-Z][A-Za-z]+(?![A-Za-z0-9_\-/:#])")]
    private static partial System.Text.RegularExpressions.Regex Code();

    /// <summary>The name of an action code in the current language; an unknown code shows as itself.</summary>
    public static string Name(Microsoft.Extensions.Localization.IStringLocalizer L, string code)
    {
        var name = L["Audit.Action." + code];
        return name.ResourceNotFound ? code : name.Value;
    }
}
