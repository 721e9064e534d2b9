using InfoPortal.Components;
using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Archive;
using InfoPortal.Features.Audit;
using InfoPortal.Features.Columns;
using InfoPortal.Features.Home;
using InfoPortal.Features.Interaction;
using InfoPortal.Features.Jobs;
using InfoPortal.Features.Monitoring;
using InfoPortal.Features.Notifications;
using InfoPortal.Features.Outbox;
using InfoPortal.Features.PublicSite;
using InfoPortal.Features.Publishing;
using InfoPortal.Features.Requests;
using InfoPortal.Features.Review;
using InfoPortal.Features.Screening;
using InfoPortal.Features.Search;
using InfoPortal.Features.Statistics;
using InfoPortal.Infrastructure;
using InfoPortal.Infrastructure.Cluster;
using InfoPortal.Infrastructure.Jobs;
using InfoPortal.Infrastructure.Localization;
using InfoPortal.Infrastructure.Web;

namespace InfoPortal;

/// <summary>
/// The composition root (ADR 0057): the one place that knows every feature. Each feature registers its
/// services (<c>AddX</c>) and maps its endpoints (<c>MapX</c>) itself; this file only lists them, in the
/// order they depend on each other. <c>Program.cs</c>, the commands and the benchmarks all build the
/// portal through it, so a bench measures exactly what runs.
/// </summary>
public static class PortalApp
{
    /// <summary>The portal's services, from the configuration, environment variables and <paramref name="args"/>.</summary>
    public static WebApplication Build(string[] args)
    {
        // ApplicationName pins the assembly whose pages and static-asset manifest are served, also
        // when another program (InfoPortal.Benchmarks) is the entry point.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ApplicationName = typeof(PortalApp).Assembly.GetName().Name });
        builder.Configuration.AddRepositorySettings(builder.Environment);
        var services = builder.Services;
        var configuration = builder.Configuration;

        services.AddPortalDatabase();
        services.AddCluster(configuration);
        services.AddPortalLocalization();
        services.AddPortalWeb(configuration, builder.Environment);
        services.AddPortalApi();
        services.AddAudit();
        services.AddAccounts(configuration);
        services.AddHome();
        services.AddOutbox(configuration);
        services.AddNotifications(configuration);
        services.AddColumns();
        services.AddRequests(configuration);
        services.AddReview(configuration);
        services.AddPublishing(configuration);
        services.AddPublicSite();
        services.AddSearch();
        services.AddScreening();
        services.AddInteraction(configuration);
        services.AddStatistics(configuration);
        services.AddMonitoring(configuration);
        services.AddArchive();
        services.AddPortalJobs(configuration);
        return builder.Build();
    }

    /// <summary>The request pipeline, the pages and every feature's endpoints.</summary>
    public static WebApplication MapPortal(this WebApplication app)
    {
        app.UsePortalPipeline();
        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode().Add(PublicSiteCache.EndpointConvention);
        app.MapPortalWeb();
        app.MapAccounts();
        app.MapAudit();
        app.MapRequests();
        app.MapReview();
        app.MapPublishing();
        app.MapColumns();
        app.MapSearch();
        app.MapScreening();
        app.MapStatistics();
        app.MapMonitoring();
        app.MapPublicSite();
        app.MapInteraction();
        app.MapArchive();
        app.MapPortalJobs();
        return app;
    }
}
