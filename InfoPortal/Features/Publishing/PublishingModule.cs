using InfoPortal.Infrastructure.Jobs;

namespace InfoPortal.Features.Publishing;

public static class PublishingModule
{
    public static IServiceCollection AddPublishing(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<PublishingOptions>(configuration.GetSection(PublishingOptions.Section));
        services.AddScoped<PublishingService>();
        services.AddPeriodicJob<ScheduledPublishingJob>();
        return services;
    }
}
