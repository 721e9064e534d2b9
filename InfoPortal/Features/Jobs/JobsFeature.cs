using InfoPortal.Infrastructure.Jobs;

namespace InfoPortal.Features.Jobs;

public static class JobsFeature
{
    /// <summary>The scheduling machinery (Hangfire, runner, catch-up, backup) and the jobs page's service.</summary>
    public static IServiceCollection AddPortalJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddJobs(configuration);
        services.AddScoped<JobsService>();
        return services;
    }
}
