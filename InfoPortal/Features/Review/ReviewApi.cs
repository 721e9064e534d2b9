using System.Globalization;
using InfoPortal.Features.Requests;
using InfoPortal.Features.Requests.Api;
using InfoPortal.Infrastructure;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Infrastructure.Web;

namespace InfoPortal.Features.Review;

/// <summary>The review endpoints of API.md: decisions, the provincial approval, the queue. Same services as the pages.</summary>
public static class ReviewApi
{
    public static IEndpointRouteBuilder MapReview(this IEndpointRouteBuilder app)
    {
        var api = app.MapApiGroup();

        api.MapPost("/requests/{id:int}/decisions", async (HttpContext http, ReviewService review, int id, DecisionBody body, CancellationToken ct) =>
        {
            if (body.Decision is not { } decision)
            {
                throw ValidationFailedException.For("decision", "Review.DecisionRequired");
            }

            return RequestsApi.Status(await review.DecideAsync(http.GetActor(), id, new DecisionInput(decision, body.Opinion, body.Version, body.AcknowledgeWarnings, MarkInternalMatter: body.MarkInternalMatter), ct));
        }).WithName("DecideRequest");

        // 上级审批 with its evidence (issue 10 item 10): multipart, the scan as "scan".
        api.MapPost("/requests/{id:int}/provincial-approval", RecordProvincialApprovalAsync).DisableAntiforgery().WithName("RecordProvincialApproval");
        api.MapGet("/review-queue", async (HttpContext http, ReviewService review, int? departmentId, int? columnId, Importance? importance, bool? overdue, int? after, int? limit, CancellationToken ct) =>
            TypedResults.Ok(await review.QueueAsync(http.GetActor(), new QueueFilter(departmentId, columnId, importance, overdue ?? false, after, limit ?? 50), ct)))
            .WithName("ReviewQueue");
        return app;
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
        return RequestsApi.Status(await review.RecordProvincialApprovalAsync(http.GetActor(), id, input, ct));
    }
}
