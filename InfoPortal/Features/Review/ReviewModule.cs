using InfoPortal.Features.Requests.Pages;
using InfoPortal.Infrastructure.Jobs;

namespace InfoPortal.Features.Review;

public static class ReviewModule
{
    public static IServiceCollection AddReview(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ReviewOptions>(configuration.GetSection(ReviewOptions.Section));
        services.AddScoped<ReviewService>();
        services.AddScoped<OverdueReminderService>();
        // Approve and return on the request page (ADR 0059).
        services.AddRequestPageAction<Pages.ReviewActions>(order: 10);
        services.AddPeriodicJob<OverdueReminderJob>();
        return services;
    }
}
