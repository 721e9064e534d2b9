using InfoPortal.Features.Requests.Pages;
using InfoPortal.Infrastructure.Jobs;

namespace InfoPortal.Features.Publishing;

public static class PublishingModule
{
    public static IServiceCollection AddPublishing(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<PublishingOptions>(configuration.GetSection(PublishingOptions.Section));
        services.AddScoped<PublishingService>();
        // Publish, schedule, intranet and take down on the request page (ADR 0059).
        services.AddRequestPageAction<Pages.PublishingActions>(order: 20);
        services.AddPeriodicJob<ScheduledPublishingJob>();
        return services;
    }
}
