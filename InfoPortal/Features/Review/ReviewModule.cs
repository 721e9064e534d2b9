using InfoPortal.Infrastructure.Jobs;

namespace InfoPortal.Features.Review;

public static class ReviewModule
{
    public static IServiceCollection AddReview(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ReviewOptions>(configuration.GetSection(ReviewOptions.Section));
        services.AddScoped<ReviewService>();
        services.AddScoped<OverdueReminderService>();
        services.AddPeriodicJob<OverdueReminderJob>();
        return services;
    }
}
