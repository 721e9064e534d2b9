using InfoPortal.Infrastructure.Jobs;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure;
using InfoPortal.Infrastructure.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;

namespace InfoPortal.Features.Statistics;

public static class StatisticsModule
{
    public const string XlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static IServiceCollection AddStatistics(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AssessmentOptions>(configuration.GetSection(AssessmentOptions.Section));
        services.Configure<BulletinOptions>(configuration.GetSection(BulletinOptions.Section));
        services.AddSingleton<StatisticsCalendar>();
        services.AddScoped<MonthlyStatisticsJob>();
        services.AddScoped<StatisticsService>();
        services.AddScoped<QuarterlyBulletinJob>();
        services.AddScoped<BulletinService>();
        services.AddScoped<AnnualAssessmentJob>();
        services.AddScoped<AssessmentService>();
        services.AddPeriodicJob<MonthlyStatisticsPeriodicJob>();
        services.AddPeriodicJob<QuarterlyBulletinPeriodicJob>();
        services.AddPeriodicJob<AnnualAssessmentPeriodicJob>();
        return services;
    }

    /// <summary>Who may read statistics and bulletins; the service narrows department heads to their own department.</summary>
    public static readonly string[] Readers = [Roles.Assessor, Roles.Leader, Roles.PrincipalLeader, Roles.OfficeDirector, Roles.DeptHead];

    public static IEndpointRouteBuilder MapStatistics(this IEndpointRouteBuilder app)
    {
        // The dashboard's download link (cookie sign-in); the service checks who may see which department.
        app.MapGet("/office/statistics/export.xlsx", OfficeExportAsync)
            .RequireAuthorization(new AuthorizeAttribute { Roles = string.Join(',', Readers), AuthenticationSchemes = IdentityConstants.ApplicationScheme });

        var api = app.MapApiGroup();
        api.MapGet("/statistics/monthly", async (HttpContext http, StatisticsService statistics, int? year, int? month, int? departmentId, CancellationToken ct) =>
        {
            var (y, m) = Required(year, month);
            return TypedResults.Ok(await statistics.GetMonthAsync(http.GetActor(), y, m, departmentId, ct));
        }).RequireAuthorization(p => p.RequireRole(Readers)).WithName("MonthlyStatistics");
        api.MapGet("/statistics/monthly.xlsx", ExportAsync).RequireAuthorization(p => p.RequireRole(Readers)).WithName("MonthlyStatisticsXlsx");

        // Extensions of API.md: the stored bulletin and assessment (the models the PDFs render), and the 采用 flag.
        api.MapGet("/statistics/bulletins/{year:int}/{quarter:int}", async (HttpContext http, BulletinService bulletins, int year, int quarter, CancellationToken ct) =>
            await bulletins.GetAsync(http.GetActor(), year, quarter, ct) is { } report ? Results.Ok(report) : Results.NotFound())
            .RequireAuthorization(p => p.RequireRole(Readers)).WithName("QuarterlyBulletin");
        api.MapGet("/statistics/assessment/{year:int}", async (HttpContext http, AssessmentService assessment, int year, CancellationToken ct) =>
            await assessment.GetAsync(http.GetActor(), year, ct) is { } report ? Results.Ok(report) : Results.NotFound())
            .RequireAuthorization(p => p.RequireRole(Roles.Assessor, Roles.Leader, Roles.PrincipalLeader, Roles.OfficeDirector)).WithName("AnnualAssessment");
        api.MapPost("/statistics/assessment/{year:int}/adjustments", async (HttpContext http, AssessmentService assessment, int year, AdjustmentBody body, CancellationToken ct) =>
        {
            await assessment.AdjustAsync(http.GetActor(), year, body.DepartmentId, body.Points, body.Reason, ct);
            return Results.NoContent();
        }).RequireAuthorization(p => p.RequireRole(Roles.Assessor)).WithName("AdjustAssessment");
        api.MapPost("/requests/{id:int}/used-by-higher-authorities", async (HttpContext http, AssessmentService assessment, int id, UsedBody body, CancellationToken ct) =>
        {
            await assessment.SetUsedByHigherAuthoritiesAsync(http.GetActor(), id, body.Used, ct);
            return Results.NoContent();
        }).RequireAuthorization(p => p.RequireRole(Roles.Publisher, Roles.Leader, Roles.PrincipalLeader)).WithName("MarkUsedByHigherAuthorities");
        return app;
    }

    private static async Task<IResult> ExportAsync(HttpContext http, StatisticsService statistics, IStringLocalizer<SharedResource> L, int? year, int? month, int? departmentId, CancellationToken ct)
    {
        var (y, m) = Required(year, month);
        var report = await statistics.GetMonthAsync(http.GetActor(), y, m, departmentId, ct);
        return Results.File(StatisticsExcel.Build(report, L), XlsxContentType, $"statistics-{y:D4}-{m:D2}.xlsx");
    }

    /// <summary>Outside /api the problem+json handler does not answer, so the page link maps refusals to plain status codes.</summary>
    private static async Task<IResult> OfficeExportAsync(HttpContext http, StatisticsService statistics, IStringLocalizer<SharedResource> L, int? year, int? month, int? departmentId, CancellationToken ct)
    {
        try
        {
            return await ExportAsync(http, statistics, L, year, month, departmentId, ct);
        }
        catch (ForbiddenException)
        {
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }
        catch (ValidationFailedException e)
        {
            return Results.Text(string.Join(" ", e.LocalizedErrors(L).SelectMany(x => x.Value)), statusCode: StatusCodes.Status400BadRequest);
        }
    }

    private static (int Year, int Month) Required(int? year, int? month) =>
        year is { } y && month is { } m ? (y, m) : throw ValidationFailedException.For(year is null ? "year" : "month", "Statistics.Error.BadMonth");
}

public sealed record AdjustmentBody(int DepartmentId, decimal Points, string? Reason);

public sealed record UsedBody(bool Used);
