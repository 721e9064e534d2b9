using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Infrastructure.Jobs;
using InfoPortal.Infrastructure.Web;

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

    /// <summary>
    /// The Hangfire dashboard, and the jobs page's "run now" as an API for scripts (the cluster
    /// drill starts a run on one instance and kills it): <c>POST /api/v1/jobs/{name}/runs</c>
    /// <c>{period}</c>, SystemAdmin, answers when the run ends with its outcome.
    /// </summary>
    public static IEndpointRouteBuilder MapPortalJobs(this IEndpointRouteBuilder app)
    {
        app.MapJobs();
        app.MapApiGroup().MapPost("/jobs/{name}/runs", async (HttpContext http, JobsService jobs, string name, RunBody body, CancellationToken ct) =>
        {
            var result = await jobs.RunNowAsync(http.GetActor(), name, body.Period ?? "", ct);
            return TypedResults.Ok(new { runId = result.RunId, outcome = result.Outcome.ToString(), count = result.Count, summary = result.Summary, error = result.Error });
        }).RequireAuthorization(Permissions.Jobs.Run).WithName("RunJob");
        return app;
    }

    public sealed record RunBody(string? Period);
}
