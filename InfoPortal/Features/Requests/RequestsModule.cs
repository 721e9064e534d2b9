using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Infrastructure.Files;
using InfoPortal.Infrastructure.Html;
using InfoPortal.Infrastructure.Web;

namespace InfoPortal.Features.Requests;

public static class RequestsModule
{
    public static IServiceCollection AddRequests(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<UploadOptions>(configuration.GetSection(UploadOptions.Section));
        // Multipart uploads may be as large as the video cap (plus form overhead).
        var videoCap = configuration.GetSection(UploadOptions.Section).Get<UploadOptions>()?.MaxVideoBytes ?? new UploadOptions().MaxVideoBytes;
        services.Configure<Microsoft.AspNetCore.Http.Features.FormOptions>(o => o.MultipartBodyLengthLimit = videoCap + (1 << 20));
        services.AddSingleton<HtmlCleaner>();
        services.AddSingleton<FileStore>();
        services.AddScoped<ReviewChainService>();
        services.AddScoped<ChainChangeService>();
        services.AddScoped<RequestService>();
        services.AddScoped<AttachmentService>();
        services.AddScoped<RequestFormPdf>();
        services.AddScoped<ApprovalRecordBook>();
        services.AddScoped<ManualFileReviewService>();
        services.AddInTransactionHandler<Columns.ColumnMerged, RequestsFollowColumnMerge>();
        services.AddScoped<Columns.Governance.IColumnActivity, ColumnActivity>();
        return services;
    }

    public static IEndpointRouteBuilder MapRequests(this IEndpointRouteBuilder app)
    {
        Api.RequestsApi.Map(app);
        Api.ChainsApi.Map(app);
        Api.RecordsApi.Map(app);
        ManualFileReviewService.Map(app);

        // The print button's target: the same PDF as GET /api/v1/requests/{id}/form.pdf, for the signed-in browser (cookie).
        // Outside /api the problem+json handler does not answer, so a request the user may not see is
        // a plain 404 here (as the API's), not an unhandled exception and a 500.
        app.MapGet("/office/requests/{id:int}/form.pdf", async (HttpContext http, RequestFormPdf forms, Microsoft.Extensions.Localization.IStringLocalizer<SharedResource> L, int id, CancellationToken ct) =>
        {
            Infrastructure.Pdf.RenderedPdf pdf;
            try
            {
                pdf = await forms.RenderAsync(http.GetActor(), id, ct);
            }
            catch (Infrastructure.NotFoundException e)
            {
                return Results.Text(e.Localize(L), statusCode: StatusCodes.Status404NotFound);
            }
            catch (Infrastructure.ForbiddenException e)
            {
                return Results.Text(e.Localize(L), statusCode: StatusCodes.Status403Forbidden);
            }

            http.Response.Headers.CacheControl = "no-store";
            http.Response.Headers.ContentDisposition = $"inline; filename=\"request-{id}-form.pdf\"";
            return Results.File(pdf.Bytes, "application/pdf");
        }).RequireAuthorization();

        // Files of requests: public once published, otherwise for those who may see the request.
        app.MapGet("/files/{id:int}/{name?}", async (HttpContext http, AttachmentService attachments, int id, CancellationToken ct) =>
        {
            var found = await attachments.OpenAsync(http.GetActor(), id, ct);
            if (found is not { } file)
            {
                return Results.NotFound();
            }

            var inline = file.Attachment.IsImage || file.Attachment.IsVideo || file.Attachment.ContentType == "application/pdf";
            var disposition = new Microsoft.Net.Http.Headers.ContentDispositionHeaderValue(inline ? "inline" : "attachment");
            disposition.SetHttpFileName(file.Attachment.FileName);
            http.Response.Headers.ContentDisposition = disposition.ToString();
            http.Response.Headers.XContentTypeOptions = "nosniff";
            http.Response.Headers.CacheControl = "private, max-age=3600";
            return Results.Stream(file.Content, file.Attachment.ContentType, enableRangeProcessing: true,
                entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{file.Attachment.Sha256}\""));
        }).AllowAnonymous();

        return app;
    }
}
