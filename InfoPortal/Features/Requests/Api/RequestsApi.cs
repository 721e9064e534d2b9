using System.Globalization;
using InfoPortal.Features.Accounts;
using InfoPortal.Features.Columns;
using InfoPortal.Features.Publishing;
using InfoPortal.Features.Review;
using InfoPortal.Infrastructure;
using InfoPortal.Infrastructure.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;

namespace InfoPortal.Features.Requests.Api;

/// <summary>The requests, review and publishing endpoints of API.md; the same services as the pages.</summary>
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

        api.MapPost("/requests/{id:int}/decisions", async (HttpContext http, ReviewService review, int id, DecisionBody body, CancellationToken ct) =>
        {
            if (body.Decision is not { } decision)
            {
                throw ValidationFailedException.For("decision", "Review.DecisionRequired");
            }

            return Status(await review.DecideAsync(http.GetActor(), id, new DecisionInput(decision, body.Opinion, body.Version, body.AcknowledgeWarnings, MarkInternalMatter: body.MarkInternalMatter), ct));
        }).WithName("DecideRequest");

        // 上级审批 with its evidence (issue 10 item 10): multipart, the scan as "scan".
        api.MapPost("/requests/{id:int}/provincial-approval", RecordProvincialApprovalAsync).DisableAntiforgery().WithName("RecordProvincialApproval");
        api.MapGet("/requests/{id:int}/decisions/{decisionId:int}/scan", async (HttpContext http, RequestService requests, Infrastructure.Files.FileStore files, int id, int decisionId, CancellationToken ct) =>
        {
            var request = await requests.GetAsync(http.GetActor(), id, ct);
            var decision = request.Decisions.SingleOrDefault(d => d.Id == decisionId && d.ApprovalScanSha256 is not null)
                ?? throw new NotFoundException("Requests.NotFound");
            var stream = files.OpenRead(decision.ApprovalScanSha256!) ?? throw new NotFoundException("Requests.NotFound");
            var kind = Infrastructure.Files.FileSniffer.Sniff(stream);
            return Results.File(stream, kind?.ContentType ?? "application/octet-stream", decision.ApprovalScanName ?? "scan");
        }).WithName("ProvincialApprovalScan");

        api.MapPost("/requests/{id:int}/publish", async (HttpContext http, PublishingService publishing, int id, PublishBody? body, CancellationToken ct) =>
            Status(await publishing.PublishAsync(http.GetActor(), id, body?.At, body?.ColumnIds, ct))).WithName("PublishRequest");

        api.MapPost("/requests/{id:int}/takedown", async (HttpContext http, PublishingService publishing, RequestService requests, int id, TakedownBody body, CancellationToken ct) =>
        {
            var actor = http.GetActor();
            await publishing.TakeDownAsync(actor, id, body.Reason ?? "", ct);
            return Status(await requests.GetAsync(actor, id, ct));
        }).WithName("TakeDownRequest");

        api.MapGet("/review-queue", async (HttpContext http, ReviewService review, int? departmentId, int? columnId, Importance? importance, bool? overdue, int? after, int? limit, CancellationToken ct) =>
            TypedResults.Ok(await review.QueueAsync(http.GetActor(), new QueueFilter(departmentId, columnId, importance, overdue ?? false, after, limit ?? 50), ct)))
            .WithName("ReviewQueue");
    }

    private static Ok<StatusResponse> Status(PublicationRequest request) =>
        TypedResults.Ok(new StatusResponse(request.Status.ToString(), request.Version, RequestDetail.CurrentStepOf(request),
            request.Status == RequestStatus.Published ? PublishingService.PublicUrl(request.Id) : null));

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

    private static async Task<IResult> RecordProvincialApprovalAsync(HttpContext http, ReviewService review, int id, CancellationToken ct)
    {
        if (!http.Request.HasFormContentType)
        {
            throw ValidationFailedException.For("scan", "Review.Provincial.ScanRequired");
        }

        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(ct);
        }
        catch (InvalidDataException ex)
        {
            // A malformed multipart body is the caller's error (400), not the server's.
            throw new BadHttpRequestException(ex.Message, StatusCodes.Status400BadRequest, ex);
        }

        var file = form.Files.GetFile("scan");
        await using var buffered = new MemoryStream();
        if (file is not null)
        {
            if (file.Length > ReviewService.MaxScanBytes)
            {
                throw ValidationFailedException.For("scan", "Review.Provincial.ScanTooLarge");
            }

            await using var upload = file.OpenReadStream();
            await upload.CopyToAsync(buffered, ct);
        }

        DateOnly? date = DateOnly.TryParseExact(form["approvalDate"].ToString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
        int? version = int.TryParse(form["version"].ToString(), CultureInfo.InvariantCulture, out var v) ? v : null;
        var input = new ProvincialApprovalInput(form["approvingAuthority"].ToString(), form["approvalNumber"].ToString(), date, form["opinion"].ToString(), version,
            bool.TryParse(form["acknowledgeWarnings"].ToString(), out var ack) && ack, file is null ? null : buffered, file?.FileName);
        return Status(await review.RecordProvincialApprovalAsync(http.GetActor(), id, input, ct));
    }

    /// <summary>Warnings leave the API as sentences in the request's language, never as resource keys.</summary>
    private static List<string> Sentences(IStringLocalizer<SharedResource> L, IEnumerable<string> keys) => [.. keys.Select(k => L[k].Value)];
}
