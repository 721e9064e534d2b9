using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Interaction;
using InfoPortal.Features.Monitoring;
using InfoPortal.Features.Notifications;
using InfoPortal.Features.Publishing;
using InfoPortal.Features.Requests;
using InfoPortal.Features.Review;
using Microsoft.Extensions.Localization;

namespace InfoPortal.Features.Home;

/// <summary>
/// What waits for the signed-in user on the home page, one section per duty they hold:
/// the review queue, the officer's drafts and returned requests, approved items to publish,
/// and unread notifications. Each section shows the first few items and links to its page.
/// </summary>
public sealed class HomeService(
    ReviewService review,
    RequestService requests,
    PublishingService publishing,
    NotificationService notifications,
    MonitoringService monitoring,
    InteractionService interaction,
    IStringLocalizer<SharedResource> L)
{
    public const int PerSection = 5;


    public async Task<IReadOnlyList<WaitingSection>> GetWaitingAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        var sections = new List<WaitingSection>();
        if (actor.Has(Permissions.Requests.Draft))
        {
            // Returned first: they need the officer's action; then drafts not yet submitted.
            var returned = await requests.ListAsync(actor, new RequestFilter(RequestStatus.Returned, Mine: true, Limit: PerSection), cancellationToken);
            var drafts = await requests.ListAsync(actor, new RequestFilter(RequestStatus.Draft, Mine: true, Limit: PerSection), cancellationToken);
            sections.Add(new WaitingSection("Home.MyDrafts", MudBlazor.Icons.Material.Filled.EditNote,
                [.. returned.Concat(drafts).Take(PerSection).Select(r => new WaitingItem(r.Title, $"/office/requests/{r.Id}", r.UpdatedAt, L["Requests.Status." + r.Status].Value))]));
        }

        if (actor.Has(Permissions.Review.Queue))
        {
            var queue = await review.QueueAsync(actor, new QueueFilter(Limit: PerSection), cancellationToken);
            sections.Add(new WaitingSection("Home.ToReview", MudBlazor.Icons.Material.Filled.FactCheck,
                [.. queue.Select(q => new WaitingItem(q.Title, $"/office/requests/{q.Id}", q.Since, q.Overdue ? L["Queue.Overdue"].Value : null))],
                "/office/review", await review.CountAsync(actor, cancellationToken)));
        }

        if (actor.Has(Permissions.Publishing.Publish))
        {
            var waiting = await publishing.ListAsync(actor, PublishingList.Waiting, limit: PerSection, cancellationToken: cancellationToken);
            sections.Add(new WaitingSection("Home.ToPublish", MudBlazor.Icons.Material.Filled.Publish,
                [.. waiting.Select(p => new WaitingItem(p.Title, "/office/publishing", p.ScheduledFor ?? p.ApprovedAt ?? DateTimeOffset.MinValue, L["Requests.Status." + p.Status].Value))],
                "/office/publishing", await publishing.CountWaitingAsync(actor, cancellationToken)));
        }

        if (actor.Has(Permissions.Interaction.Route))
        {
            // 待交办: public messages nobody has assigned to a department yet (rules.md §3 互动交流).
            var incoming = await interaction.QueueAsync(actor, MessageQueueKind.Incoming, limit: PerSection, cancellationToken: cancellationToken);
            var counts = await interaction.CountsAsync(actor, cancellationToken);
            sections.Add(new WaitingSection("Home.ToAssign", MudBlazor.Icons.Material.Filled.Forum,
                [.. incoming.Select(m => new WaitingItem(m.Subject, $"/office/interaction/{m.Id}", m.ReceivedAt, m.Overdue ? L["Queue.Overdue"].Value : null))],
                "/office/interaction", counts.Incoming));
        }

        if (actor.Has(Permissions.Monitoring.Handle))
        {
            // Open alerts wait for the handlers; the count is the real number, not the page's first few.
            var open = await monitoring.ListAlertsAsync(actor, AlertStatus.Open, limit: 200, cancellationToken: cancellationToken);
            sections.Add(new WaitingSection("Home.Alerts", MudBlazor.Icons.Material.Filled.NotificationImportant,
                [.. open.Take(PerSection).Select(a => new WaitingItem(a.Title, "/office/monitoring", a.RaisedAt, a.Department))],
                "/office/monitoring", open.Count));
        }

        if (actor.IsInAnyRole(Roles.Publisher, Roles.Assessor, Roles.Leader, Roles.PrincipalLeader))
        {
            // Not a queue: the reports this role reads, one click each.
            sections.Add(new WaitingSection("Home.Reports", MudBlazor.Icons.Material.Filled.BarChart,
                [
                    new WaitingItem(L["Nav.MonthlyStatistics"].Value, "/office/statistics", DateTimeOffset.MinValue),
                    new WaitingItem(L["Nav.Bulletins"].Value, "/office/bulletins", DateTimeOffset.MinValue),
                    new WaitingItem(L["Nav.Assessment"].Value, "/office/assessment", DateTimeOffset.MinValue),
                ], Total: 0, IsLinks: true));
        }

        if (actor.IsAuthenticated)
        {
            var unread = (await notifications.ListAsync(actor, limit: 20, cancellationToken: cancellationToken)).Where(n => n.ReadAt is null).Take(PerSection);
            sections.Add(new WaitingSection("Home.Notifications", MudBlazor.Icons.Material.Filled.Notifications,
                [.. unread.Select(n => new WaitingItem(NotificationText.Of(L, n), n.Href ?? "/office/notifications", n.CreatedAt))],
                "/office/notifications", await notifications.UnreadCountAsync(actor, cancellationToken)));
        }

        return sections;
    }
}

/// <summary>A home-page card: the first items, the link to the full list, and the total when it is known.</summary>
public sealed record WaitingSection(string TitleKey, string Icon, IReadOnlyList<WaitingItem> Items, string? MoreHref = null, int? Total = null, bool IsLinks = false);

/// <summary>One line of a card; <paramref name="Note"/> is an already localised hint (status, overdue).</summary>
public sealed record WaitingItem(string Title, string Href, DateTimeOffset Since, string? Note = null);

public static class HomeModule
{
    public static IServiceCollection AddHome(this IServiceCollection services) => services.AddScoped<HomeService>();
}
