using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Infrastructure;
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
        services.AddScoped<DutyRecordService>();
        services.AddScoped<SecrecyReport>();
        services.AddPeriodicJob<SecrecyReportPeriodicJob>();
        services.AddPeriodicJob<DailyMonitoringPeriodicJob>();

        return services;
    }

    /// <summary>The monitoring endpoints (API.md, extended): records, alerts, and what is done about an alert.</summary>
    public static IEndpointRouteBuilder MapMonitoring(this IEndpointRouteBuilder app)
    {
        var api = app.MapApiGroup().MapGroup("/monitoring");

        // 网上发布信息保密管理情况 (保密制度 七、八、九, ADR 0050).
        api.MapGet("/secrecy-report", async (HttpContext http, SecrecyReport report, int year, int quarter, CancellationToken ct) =>
            TypedResults.Ok(await report.BuildAsync(http.GetActor(), year, quarter, ct))).WithName("SecrecyReport").RequireAuthorization(Permissions.Monitoring.SecrecyReport);
        api.MapGet("/secrecy-report.xlsx", async (HttpContext http, SecrecyReport report, int year, int quarter, CancellationToken ct) =>
            Results.File(report.Xlsx(await report.BuildAsync(http.GetActor(), year, quarter, ct)), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"secrecy-{year}-q{quarter}.xlsx"))
            .WithName("SecrecyReportXlsx").RequireAuthorization(Permissions.Monitoring.SecrecyReport);
        api.MapGet("/secrecy-report.pdf", async (HttpContext http, SecrecyReport report, int year, int quarter, CancellationToken ct) =>
            Results.File(report.Pdf(await report.BuildAsync(http.GetActor(), year, quarter, ct)).Bytes, "application/pdf", $"secrecy-{year}-q{quarter}.pdf"))
            .WithName("SecrecyReportPdf").RequireAuthorization(Permissions.Monitoring.SecrecyReport);
        // The page's downloads (cookie): the same files; errors as plain text outside /api.
        foreach (var (suffix, pdf) in new[] { ("xlsx", false), ("pdf", true) })
        {
            app.MapGet($"/office/secrecy/report.{suffix}", async (HttpContext http, SecrecyReport report, Microsoft.Extensions.Localization.IStringLocalizer<SharedResource> L, int year, int quarter, CancellationToken ct) =>
            {
                try
                {
                    var data = await report.BuildAsync(http.GetActor(), year, quarter, ct);
                    return pdf
                        ? Results.File(report.Pdf(data).Bytes, "application/pdf", $"secrecy-{year}-q{quarter}.pdf")
                        : Results.File(report.Xlsx(data), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"secrecy-{year}-q{quarter}.xlsx");
                }
                catch (PortalException e)
                {
                    return Results.Text(e.Localize(L), statusCode: e is ForbiddenException ? 403 : 400);
                }
            }).RequireAuthorization(Permissions.Monitoring.SecrecyReport);
        }

        // 每日监管记录 (制度 第十四条, ADR 0049).
        api.MapGet("/duty", async (HttpContext http, DutyRecordService duty, AgencyClock agency, DateOnly? from, DateOnly? to, CancellationToken ct) =>
        {
            var until = to ?? agency.Today;
            return TypedResults.Ok(await duty.DaysAsync(http.GetActor(), from ?? until.AddDays(-30), until, ct));
        }).WithName("DutyDays").RequireAuthorization(Permissions.Monitoring.ReadDuty);
        api.MapGet("/duty/{day}", async (HttpContext http, DutyRecordService duty, DateOnly day, CancellationToken ct) =>
            TypedResults.Ok(new { day, facts = await duty.FactsAsync(day, ct), versions = await duty.VersionsAsync(http.GetActor(), day, ct) })).WithName("DutyDay").RequireAuthorization(Permissions.Monitoring.ReadDuty);
        api.MapPost("/duty", async (HttpContext http, DutyRecordService duty, DutyInput body, CancellationToken ct) =>
        {
            var record = await duty.SignAsync(http.GetActor(), body, ct);
            return TypedResults.Created($"/api/v1/monitoring/duty/{record.Day:yyyy-MM-dd}", record);
        }).WithName("SignDuty").RequireAuthorization(Permissions.Monitoring.SignDuty);
        api.MapGet("/duty-missing", async (HttpContext http, DutyRecordService duty, int year, int month, CancellationToken ct) =>
        {
            if (!DutyRecordService.CanRead(http.GetActor()))
            {
                throw new ForbiddenException("Duty.ReadForbidden");
            }

            if (month is < 1 or > 12 || year is < 2000 or > 2100)
            {
                throw ValidationFailedException.For("month", "Duty.RangeInvalid");
            }

            return TypedResults.Ok(new { year, month, missingDays = await duty.MissingDaysAsync(year, month, ct) });
        }).WithName("DutyMissing").RequireAuthorization(Permissions.Monitoring.ReadDuty);

        api.MapGet("/runs", async (HttpContext http, MonitoringService monitoring, int? limit, CancellationToken ct) =>
            TypedResults.Ok((await monitoring.ListRunsAsync(http.GetActor(), limit ?? 30, cancellationToken: ct)).Select(RunDto.From)))
            .RequireAuthorization(Permissions.Monitoring.ViewRuns).WithName("MonitoringRuns");

        api.MapPost("/runs", async (HttpContext http, MonitoringService monitoring, CancellationToken ct) =>
            TypedResults.Ok(RunDto.From((await monitoring.RunNowAsync(http.GetActor(), ct)).Run)))
            .RequireAuthorization(Permissions.Monitoring.RunNow).WithName("MonitoringRunNow");

        api.MapGet("/alerts", async (HttpContext http, MonitoringService monitoring, AlertStatus? status, int? after, int? limit, CancellationToken ct) =>
            TypedResults.Ok(await monitoring.ListAlertsAsync(http.GetActor(), status, after, limit ?? 50, ct)))
            .RequireAuthorization(Permissions.Monitoring.ViewAlerts).WithName("MonitoringAlerts");

        api.MapPost("/alerts/{id:int}/takedown", async (HttpContext http, MonitoringService monitoring, int id, ReasonBody body, CancellationToken ct) =>
        {
            var (takedown, incident) = await monitoring.TakeDownAsync(http.GetActor(), id, body.Reason, ct);
            return TypedResults.Ok(new { alertId = id, status = nameof(AlertStatus.TakenDown), requestId = takedown.RequestId, takedownId = takedown.Id, incidentId = incident.Id });
        }).RequireAuthorization(Permissions.Monitoring.Handle).WithName("MonitoringTakeDown");

        api.MapPost("/alerts/{id:int}/dismiss", async (HttpContext http, MonitoringService monitoring, int id, ReasonBody body, CancellationToken ct) =>
            TypedResults.Ok(await monitoring.DismissAsync(http.GetActor(), id, body.Reason, ct)))
            .RequireAuthorization(Permissions.Monitoring.Handle).WithName("MonitoringDismiss");

        api.MapGet("/incidents", async (HttpContext http, MonitoringService monitoring, IncidentStatus? status, int? after, int? limit, CancellationToken ct) =>
            TypedResults.Ok(await monitoring.ListIncidentsAsync(http.GetActor(), status, after, limit ?? 50, ct)))
            .RequireAuthorization(Permissions.Monitoring.ViewAlerts).WithName("MonitoringIncidents");

        api.MapPut("/incidents/{id:int}", async (HttpContext http, MonitoringService monitoring, int id, IncidentInput body, CancellationToken ct) =>
            TypedResults.Ok(await monitoring.RecordIncidentAsync(http.GetActor(), id, body, ct)))
            .RequireAuthorization(Permissions.Monitoring.Handle).WithName("MonitoringRecordIncident");

        api.MapPost("/incidents/{id:int}/close", async (HttpContext http, MonitoringService monitoring, int id, IncidentInput? body, CancellationToken ct) =>
            TypedResults.Ok(await monitoring.CloseIncidentAsync(http.GetActor(), id, body, ct)))
            .RequireAuthorization(Permissions.Monitoring.Handle).WithName("MonitoringCloseIncident");

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
