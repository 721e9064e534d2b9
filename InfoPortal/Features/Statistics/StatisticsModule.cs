using InfoPortal.Infrastructure.Jobs;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
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

    // Who counts: 办法 第五章 第一条 gives the monthly statistics, the quarterly 通报 and the year-end
    // 考核、评比 to the 局网络管理员, the web administrator (Publisher); the assessment group (Assessor)
    // keeps the same powers. They compute, rerun and adjust (ADR 0038): Permissions.Statistics.Adjust.
    // Reading statistics is Permissions.Statistics.Read; the service narrows department heads to their
    // own department.


    public const string PdfContentType = "application/pdf";

    public static IEndpointRouteBuilder MapStatistics(this IEndpointRouteBuilder app)
    {
        // The dashboard's download link (cookie sign-in); the service checks who may see which department.
        app.MapGet("/office/statistics/export.xlsx", OfficeExportAsync)
            .RequireAuthorization(new AuthorizeAttribute(Permissions.Statistics.Read) { AuthenticationSchemes = IdentityConstants.ApplicationScheme });
        // The report PDFs (issue 5 part 3–6): the same readers as the page each one prints, cookie links for the pages and API twins.
        app.MapGet("/office/statistics/report.pdf", (HttpContext http, StatisticsService statistics, IStringLocalizer<SharedResource> L, AgencyClock clock, int? year, int? month, int? departmentId, CancellationToken ct) =>
                Office(L, () => MonthlyPdfAsync(http, statistics, L, clock, year, month, departmentId, ct)))
            .RequireAuthorization(new AuthorizeAttribute(Permissions.Statistics.Read) { AuthenticationSchemes = IdentityConstants.ApplicationScheme });
        app.MapGet("/office/bulletins/{year:int}/{quarter:int}.pdf", (HttpContext http, BulletinService bulletins, IStringLocalizer<SharedResource> L, AgencyClock clock, int year, int quarter, CancellationToken ct) =>
                Office(L, () => BulletinPdfAsync(http, bulletins, L, clock, year, quarter, ct)))
            .RequireAuthorization(new AuthorizeAttribute(Permissions.Statistics.Read) { AuthenticationSchemes = IdentityConstants.ApplicationScheme });
        app.MapGet("/office/assessment/{year:int}.pdf", (HttpContext http, AssessmentService assessment, IStringLocalizer<SharedResource> L, AgencyClock clock, int year, CancellationToken ct) =>
                Office(L, () => AssessmentPdfAsync(http, assessment, L, clock, year, ct)))
            .RequireAuthorization(new AuthorizeAttribute(Permissions.Statistics.ReadAssessment) { AuthenticationSchemes = IdentityConstants.ApplicationScheme });

        var api = app.MapApiGroup();
        api.MapGet("/statistics/monthly", async (HttpContext http, StatisticsService statistics, int? year, int? month, int? departmentId, CancellationToken ct) =>
        {
            var (y, m) = Required(year, month);
            return TypedResults.Ok(await statistics.GetMonthAsync(http.GetActor(), y, m, departmentId, ct));
        }).RequireAuthorization(Permissions.Statistics.Read).WithName("MonthlyStatistics");
        api.MapGet("/statistics/monthly.xlsx", ExportAsync).RequireAuthorization(Permissions.Statistics.Read).WithName("MonthlyStatisticsXlsx");
        api.MapGet("/statistics/monthly.pdf", MonthlyPdfAsync).RequireAuthorization(Permissions.Statistics.Read).WithName("MonthlyStatisticsPdf");
        api.MapGet("/statistics/bulletins/{year:int}/{quarter:int}.pdf", BulletinPdfAsync).RequireAuthorization(Permissions.Statistics.Read).WithName("QuarterlyBulletinPdf");
        api.MapGet("/statistics/assessment/{year:int}.pdf", AssessmentPdfAsync).RequireAuthorization(Permissions.Statistics.ReadAssessment).WithName("AnnualAssessmentPdf");

        // Extensions of API.md: the stored bulletin and assessment (the models the PDFs render), and the 采用 flag.
        api.MapGet("/statistics/bulletins/{year:int}/{quarter:int}", async (HttpContext http, BulletinService bulletins, int year, int quarter, CancellationToken ct) =>
            await bulletins.GetAsync(http.GetActor(), year, quarter, ct) is { } report ? Results.Ok(report) : Results.NotFound())
            .RequireAuthorization(Permissions.Statistics.Read).WithName("QuarterlyBulletin");
        api.MapGet("/statistics/assessment/{year:int}", async (HttpContext http, AssessmentService assessment, IStringLocalizer<SharedResource> L, int year, CancellationToken ct) =>
            await assessment.GetAsync(http.GetActor(), year, ct) is { } report
                // Pending rules leave the API as sentences, never as resource keys (issue 11).
                ? Results.Ok(report with { PendingRules = [.. report.PendingRules.Select(k => L[k].Value)] })
                : Results.NotFound())
            .RequireAuthorization(Permissions.Statistics.ReadAssessment).WithName("AnnualAssessment");
        api.MapPost("/statistics/assessment/{year:int}/adjustments", async (HttpContext http, AssessmentService assessment, int year, AdjustmentBody body, CancellationToken ct) =>
        {
            await assessment.AdjustAsync(http.GetActor(), year, body.DepartmentId, body.Points, body.Reason, ct);
            return Results.NoContent();
        }).RequireAuthorization(Permissions.Statistics.Adjust).WithName("AdjustAssessment");
        api.MapPost("/requests/{id:int}/used-by-higher-authorities", async (HttpContext http, AssessmentService assessment, int id, UsedBody body, CancellationToken ct) =>
        {
            await assessment.SetUsedByHigherAuthoritiesAsync(http.GetActor(), id, body.Used, ct);
            return Results.NoContent();
        }).RequireAuthorization(Permissions.Statistics.MarkUsed).WithName("MarkUsedByHigherAuthorities");
        return app;
    }

    private static async Task<IResult> ExportAsync(HttpContext http, StatisticsService statistics, IStringLocalizer<SharedResource> L, int? year, int? month, int? departmentId, CancellationToken ct)
    {
        var (y, m) = Required(year, month);
        var report = await statistics.GetMonthAsync(http.GetActor(), y, m, departmentId, ct);
        return Results.File(StatisticsExcel.Build(report, L), XlsxContentType, $"statistics-{y:D4}-{m:D2}.xlsx");
    }

    private static async Task<IResult> MonthlyPdfAsync(HttpContext http, StatisticsService statistics, IStringLocalizer<SharedResource> L, AgencyClock clock, int? year, int? month, int? departmentId, CancellationToken ct)
    {
        var (y, m) = Required(year, month);
        var report = await statistics.GetMonthAsync(http.GetActor(), y, m, departmentId, ct);
        return await PdfAsync(MonthlyStatisticsPdf.Build(report, L, clock), clock, $"statistics-{y:D4}-{m:D2}.pdf", ct);
    }

    private static async Task<IResult> BulletinPdfAsync(HttpContext http, BulletinService bulletins, IStringLocalizer<SharedResource> L, AgencyClock clock, int year, int quarter, CancellationToken ct) =>
        await bulletins.GetAsync(http.GetActor(), year, quarter, ct) is { } report
            ? await PdfAsync(BulletinPdf.Build(report, L, clock), clock, $"bulletin-{year:D4}-q{quarter}.pdf", ct)
            : Results.NotFound();

    private static async Task<IResult> AssessmentPdfAsync(HttpContext http, AssessmentService assessment, IStringLocalizer<SharedResource> L, AgencyClock clock, int year, CancellationToken ct) =>
        await assessment.GetAsync(http.GetActor(), year, ct) is { } report
            ? await PdfAsync(AssessmentPdf.Build(report, L, clock), clock, $"assessment-{year:D4}.pdf", ct)
            : Results.NotFound();

    /// <summary>A download (attachment) of the rendered model, generated now in the agency's time zone.</summary>
    private static async Task<IResult> PdfAsync(InfoPortal.Infrastructure.Pdf.PdfDocumentModel model, AgencyClock clock, string fileName, CancellationToken ct)
    {
        var pdf = await InfoPortal.Infrastructure.Pdf.PdfComposer.RenderAsync(model, clock.Now, ct);
        return Results.File(pdf.Bytes, PdfContentType, fileName);
    }

    /// <summary>The page links' refusals as plain status codes (see <see cref="OfficeExportAsync"/>).</summary>
    private static async Task<IResult> Office(IStringLocalizer<SharedResource> L, Func<Task<IResult>> render)
    {
        try
        {
            return await render();
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
