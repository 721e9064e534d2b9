using Microsoft.Extensions.Localization;

namespace InfoPortal.Features.Notifications;

/// <summary>A notification in the reader's language: the resource <c>Notify.{Kind}</c> with its arguments.</summary>
public static class NotificationText
{
    public static string Of(IStringLocalizer L, Notification notification) =>
        L["Notify." + notification.Kind, NotificationService.ArgsOf(notification)].Value;
}
