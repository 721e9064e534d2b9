using System.Globalization;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Columns;
using InfoPortal.Infrastructure;
using InfoPortal.Infrastructure.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;

namespace InfoPortal.Features.Requests.Api;

/// <summary>The requests endpoints of API.md (review's are ReviewApi, publishing's PublishingApi); the same services as the pages.</summary>
public static class RequestsApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapApiGroup();

        api.MapGet("/columns", async (ColumnService columns, Site? site, CancellationToken ct) =>
            TypedResults.Ok((await columns.ListAsync(site, cancellationToken: ct)).Select(ColumnDto.From))).WithName("ListColumns");

        api.MapPost("/requests", async (HttpContext http, RequestService requests, IStringLocalizer<SharedResource> L, RequestUpdate body, CancellationToken ct) =>
        {
            var request = await requests.CreateAsync(http.GetActor(), body.ToInput(), ct);
            return TypedResults.Created($"/api/v1/requests/{request.Id}",
                new RequestCreated(request.Id, request.Status.ToString(), request.Version, Sentences(L, requests.Warnings(request.CurrentContent))));
        }).WithName("CreateRequest");

        api.MapPut("/requests/{id:int}", async (HttpContext http, RequestService requests, IStringLocalizer<SharedResource> L, int id, RequestUpdate body, CancellationToken ct) =>
        {
            var request = await requests.UpdateAsync(http.GetActor(), id, body.ToInput(), body.Version, ct);
            return TypedResults.Ok(new RequestCreated(request.Id, request.Status.ToString(), request.Version, Sentences(L, requests.Warnings(request.CurrentContent))));
        }).WithName("UpdateRequest");

        api.MapGet("/requests", async (HttpContext http, RequestService requests, RequestStatus? status, int? departmentId, bool? mine, int? after, int? limit, string? q, CancellationToken ct) =>
            TypedResults.Ok(await requests.ListAsync(http.GetActor(), new RequestFilter(status, departmentId, mine ?? false, after, limit ?? 50, q), ct)))
            .WithName("ListRequests");

        api.MapGet("/requests/{id:int}", async (HttpContext http, RequestService requests, IStringLocalizer<SharedResource> L, Screening.ScreeningRecorder screening, int id, CancellationToken ct) =>
        {
            var request = await requests.GetAsync(http.GetActor(), id, ct);
            return TypedResults.Ok(RequestDetail.From(request, Sentences(L, requests.Warnings(request.CurrentContent))) with
            {
                Screening = ScreeningResultDto.From(await screening.LatestAsync(id, ct)),
            });
        }).WithName("GetRequest");

        // 申请表 as PDF: the same visibility as GET /requests/{id} (404 when the caller may not see it).
        api.MapGet("/requests/{id:int}/form.pdf", async (HttpContext http, RequestFormPdf forms, int id, CancellationToken ct) =>
        {
            var pdf = await forms.RenderAsync(http.GetActor(), id, ct);
            http.Response.Headers.CacheControl = "no-store";
            return TypedResults.File(pdf.Bytes, "application/pdf", $"request-{id}-form.pdf");
        }).WithName("GetRequestFormPdf");

        api.MapPost("/requests/{id:int}/attachments", UploadAsync).DisableAntiforgery().WithName("UploadAttachment")
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(long.MaxValue)); // the service applies the configured caps

        api.MapPost("/requests/{id:int}/submit", async (HttpContext http, RequestService requests, int id, SubmitBody? body, CancellationToken ct) =>
        {
            var (request, screening) = await requests.SubmitAsync(http.GetActor(), id, body?.Version, body?.Overrides, ct);
            return TypedResults.Ok(new SubmitResponse(request.Status.ToString(), request.Version, RequestDetail.CurrentStepOf(request), screening));
        }).WithName("SubmitRequest");

        api.MapPost("/requests/{id:int}/withdraw", async (HttpContext http, RequestService requests, int id, VersionBody? body, CancellationToken ct) =>
            Status(await requests.WithdrawAsync(http.GetActor(), id, body?.Version, ct))).WithName("WithdrawRequest");

        api.MapGet("/requests/{id:int}/decisions/{decisionId:int}/scan", async (HttpContext http, RequestService requests, Infrastructure.Files.FileStore files, int id, int decisionId, CancellationToken ct) =>
        {
            var request = await requests.GetAsync(http.GetActor(), id, ct);
            var decision = request.Decisions.SingleOrDefault(d => d.Id == decisionId && d.ApprovalScanSha256 is not null)
                ?? throw new NotFoundException("Requests.NotFound");
            var stream = files.OpenRead(decision.ApprovalScanSha256!) ?? throw new NotFoundException("Requests.NotFound");
            var kind = Infrastructure.Files.FileSniffer.Sniff(stream);
            return Results.File(stream, kind?.ContentType ?? "application/octet-stream", decision.ApprovalScanName ?? "scan");
        }).WithName("ProvincialApprovalScan");

    }

    /// <summary>The answer of every endpoint that moves a request (here, in Review and in Publishing).</summary>
    public static Ok<StatusResponse> Status(PublicationRequest request) =>
        TypedResults.Ok(new StatusResponse(request.Status.ToString(), request.Version, RequestDetail.CurrentStepOf(request),
            request.Status == RequestStatus.Published ? PublicLinks.Article(request.Id) : null));

    private static async Task<Results<Ok<AttachmentDto>, ProblemHttpResult>> UploadAsync(HttpContext http, AttachmentService attachments, int id, CancellationToken ct)
    {
        if (!http.Request.HasFormContentType)
        {
            throw ValidationFailedException.For("file", "Uploads.FileRequired");
        }

        var form = await http.Request.ReadFormAsync(ct);
        var file = form.Files.GetFile("file") ?? throw ValidationFailedException.For("file", "Uploads.FileRequired");
        await using var stream = file.OpenReadStream();
        // Sniffing and hashing need to seek: buffer small files in memory, large ones on disk.
        await using var buffered = file.Length <= 32 * 1024 * 1024 ? new MemoryStream() : (Stream)new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
        await stream.CopyToAsync(buffered, ct);
        var attachment = await attachments.UploadAsync(http.GetActor(), id, file.FileName, buffered, form["caption"].ToString(), ct);
        return TypedResults.Ok(RequestDetail.AttachmentOf(attachment));
    }

    /// <summary>Warnings leave the API as sentences in the request's language, never as resource keys.</summary>
    private static List<string> Sentences(IStringLocalizer<SharedResource> L, IEnumerable<string> keys) => [.. keys.Select(k => L[k].Value)];
}
