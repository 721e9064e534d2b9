using InfoPortal.Features.Accounts;

namespace InfoPortal.Features.Home;

/// <summary>
/// What waits for the signed-in user on the home page, one section per duty they hold.
/// The workflow features add their items here (review queue, returned drafts, items to publish).
/// </summary>
public sealed class HomeService
{
    public Task<IReadOnlyList<WaitingSection>> GetWaitingAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        var sections = new List<WaitingSection>();
        void Add(string key, string icon, params string[] roles)
        {
            if (actor.IsInAnyRole(roles))
            {
                sections.Add(new WaitingSection(key, icon, []));
            }
        }

        Add("Home.MyDrafts", MudBlazor.Icons.Material.Filled.EditNote, Roles.Officer);
        Add("Home.ToReview", MudBlazor.Icons.Material.Filled.FactCheck, Roles.DeptHead, Roles.OfficeDirector, Roles.Leader, Roles.PrincipalLeader, Roles.SecrecyOfficer);
        Add("Home.ToPublish", MudBlazor.Icons.Material.Filled.Publish, Roles.Publisher);
        Add("Home.Alerts", MudBlazor.Icons.Material.Filled.NotificationImportant, Roles.Publisher, Roles.SecrecyOfficer);
        Add("Home.Reports", MudBlazor.Icons.Material.Filled.BarChart, Roles.Assessor, Roles.Leader, Roles.PrincipalLeader);
        Add("Home.Notifications", MudBlazor.Icons.Material.Filled.Notifications, [.. Roles.All]);
        return Task.FromResult<IReadOnlyList<WaitingSection>>(sections);
    }
}

public sealed record WaitingSection(string TitleKey, string Icon, IReadOnlyList<WaitingItem> Items);

public sealed record WaitingItem(string Title, string Href, DateTimeOffset Since);

public static class HomeModule
{
    public static IServiceCollection AddHome(this IServiceCollection services) => services.AddScoped<HomeService>();
}
