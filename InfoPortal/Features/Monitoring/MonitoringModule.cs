using InfoPortal.Infrastructure.Jobs;
using InfoPortal.Infrastructure.Web;

namespace InfoPortal.Features.Monitoring;

public static class MonitoringModule
{
    public static IServiceCollection AddMonitoring(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<MonitoringOptions>(configuration.GetSection(MonitoringOptions.Section));
        services.AddSingleton<JobClock>();
        services.AddScoped<DailyMonitoringJob>();
        services.AddScoped<MonitoringService>();
        services.AddPeriodicJob<DailyMonitoringPeriodicJob>();

        return services;
    }

    /// <summary>The monitoring endpoints (API.md, extended): records, alerts, and what is done about an alert.</summary>
    public static IEndpointRouteBuilder MapMonitoring(this IEndpointRouteBuilder app)
    {
        var api = app.MapApiGroup().MapGroup("/monitoring");

        api.MapGet("/runs", async (HttpContext http, MonitoringService monitoring, int? limit, CancellationToken ct) =>
            TypedResults.Ok((await monitoring.ListRunsAsync(http.GetActor(), limit ?? 30, cancellationToken: ct)).Select(RunDto.From)))
            .RequireAuthorization(p => p.RequireRole(MonitoringAccess.RunReaders)).WithName("MonitoringRuns");

        api.MapPost("/runs", async (HttpContext http, MonitoringService monitoring, CancellationToken ct) =>
            TypedResults.Ok(RunDto.From((await monitoring.RunNowAsync(http.GetActor(), ct)).Run)))
            .RequireAuthorization(p => p.RequireRole(MonitoringAccess.Runners)).WithName("MonitoringRunNow");

        api.MapGet("/alerts", async (HttpContext http, MonitoringService monitoring, AlertStatus? status, int? after, int? limit, CancellationToken ct) =>
            TypedResults.Ok(await monitoring.ListAlertsAsync(http.GetActor(), status, after, limit ?? 50, ct)))
            .RequireAuthorization(p => p.RequireRole(MonitoringAccess.Readers)).WithName("MonitoringAlerts");

        api.MapPost("/alerts/{id:int}/takedown", async (HttpContext http, MonitoringService monitoring, int id, ReasonBody body, CancellationToken ct) =>
        {
            var (takedown, incident) = await monitoring.TakeDownAsync(http.GetActor(), id, body.Reason, ct);
            return TypedResults.Ok(new { alertId = id, status = nameof(AlertStatus.TakenDown), requestId = takedown.RequestId, takedownId = takedown.Id, incidentId = incident.Id });
        }).RequireAuthorization(p => p.RequireRole(MonitoringAccess.Handlers)).WithName("MonitoringTakeDown");

        api.MapPost("/alerts/{id:int}/dismiss", async (HttpContext http, MonitoringService monitoring, int id, ReasonBody body, CancellationToken ct) =>
            TypedResults.Ok(await monitoring.DismissAsync(http.GetActor(), id, body.Reason, ct)))
            .RequireAuthorization(p => p.RequireRole(MonitoringAccess.Handlers)).WithName("MonitoringDismiss");

        api.MapGet("/incidents", async (HttpContext http, MonitoringService monitoring, IncidentStatus? status, int? after, int? limit, CancellationToken ct) =>
            TypedResults.Ok(await monitoring.ListIncidentsAsync(http.GetActor(), status, after, limit ?? 50, ct)))
            .RequireAuthorization(p => p.RequireRole(MonitoringAccess.Readers)).WithName("MonitoringIncidents");

        api.MapPut("/incidents/{id:int}", async (HttpContext http, MonitoringService monitoring, int id, IncidentInput body, CancellationToken ct) =>
            TypedResults.Ok(await monitoring.RecordIncidentAsync(http.GetActor(), id, body, ct)))
            .RequireAuthorization(p => p.RequireRole(MonitoringAccess.Handlers)).WithName("MonitoringRecordIncident");

        api.MapPost("/incidents/{id:int}/close", async (HttpContext http, MonitoringService monitoring, int id, IncidentInput? body, CancellationToken ct) =>
            TypedResults.Ok(await monitoring.CloseIncidentAsync(http.GetActor(), id, body, ct)))
            .RequireAuthorization(p => p.RequireRole(MonitoringAccess.Handlers)).WithName("MonitoringCloseIncident");

        return app;
    }

    public sealed record ReasonBody(string? Reason);

    /// <summary>One day's record as the API shows it.</summary>
    public sealed record RunDto(DateOnly Day, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, int ItemsChecked, int ItemsWithHits, int Hits, int NewAlerts,
        long DurationMs, string ListVersion, MonitoringOutcome Outcome, string TriggeredBy)
    {
        public static RunDto From(MonitoringRun r) =>
            new(r.Day, r.StartedAt, r.FinishedAt, r.ItemsChecked, r.ItemsWithHits, r.Hits, r.NewAlerts, r.DurationMs, r.ListVersion, r.Outcome, r.TriggeredBy);
    }
}
