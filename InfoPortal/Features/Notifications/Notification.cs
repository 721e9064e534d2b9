namespace InfoPortal.Features.Notifications;

/// <summary>
/// An in-app message to one user (the bell); also mailed when SMTP is configured. The text is
/// rendered in the reader's language from <see cref="Kind"/> and <see cref="Args"/>.
/// </summary>
public sealed class Notification
{
    public long Id { get; set; }

    public int UserId { get; set; }

    /// <summary>A stable kind code (see <see cref="NotificationKinds"/>); the resource key is <c>Notify.{Kind}</c>.</summary>
    public string Kind { get; set; } = "";

    /// <summary>The values for the message, e.g. the request title; a JSON array of strings.</summary>
    public string Args { get; set; } = "[]";

    public string? Href { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ReadAt { get; set; }
}

public static class NotificationKinds
{
    public const string ReviewWaiting = "ReviewWaiting";
    public const string Returned = "Returned";
    public const string Approved = "Approved";
    public const string Published = "Published";
    public const string TakenDown = "TakenDown";
    public const string Overdue = "Overdue";
    public const string MonitoringAlert = "MonitoringAlert";
    public const string MonitoringAlerts = "MonitoringAlerts";
    public const string IncidentOpened = "IncidentOpened";
    public const string ScreeningBlockedPublish = "ScreeningBlockedPublish";
    public const string ScheduledPublishFailed = "ScheduledPublishFailed";
    public const string FileAwaitsReview = "FileAwaitsReview";
}
