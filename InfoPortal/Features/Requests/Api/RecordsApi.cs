using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using System.Globalization;
using InfoPortal.Infrastructure;
using InfoPortal.Infrastructure.Web;
using Microsoft.Extensions.Localization;

namespace InfoPortal.Features.Requests.Api;

/// <summary>The combined approval-record print (issue 14 item 8, ADR 0048): the API (bearer) and the page's download (cookie).</summary>
public static class RecordsApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapApiGroup();
        api.MapGet("/records/approval-forms.pdf", async (HttpContext http, ApprovalRecordBook book, string? from, string? to, int? departmentId, int? columnId, string? status, CancellationToken ct) =>
            await RenderAsync(http, book, from, to, departmentId, columnId, status, ct)).WithName("PrintApprovalRecords")
            .RequireAuthorization(Permissions.Requests.PrintRecords);

        // The page's print button: the same file for the signed-in browser. Outside /api errors are plain text.
        app.MapGet("/office/records/approval-forms.pdf", async (HttpContext http, ApprovalRecordBook book, IStringLocalizer<SharedResource> L,
            string? from, string? to, int? departmentId, int? columnId, string? status, CancellationToken ct) =>
        {
            try
            {
                return await RenderAsync(http, book, from, to, departmentId, columnId, status, ct);
            }
            catch (PortalException e)
            {
                var code = e switch { ForbiddenException => 403, NotFoundException => 404, _ => 400 };
                var text = e is ValidationFailedException v ? string.Join(" ", v.LocalizedErrors(L).SelectMany(x => x.Value)) : e.Localize(L);
                return Results.Text(text, statusCode: code);
            }
        }).RequireAuthorization(Permissions.Requests.PrintRecords);
    }

    private static async Task<IResult> RenderAsync(HttpContext http, ApprovalRecordBook book, string? from, string? to, int? departmentId, int? columnId, string? status, CancellationToken ct)
    {
        var filter = new RecordFilter(Date("from", from), Date("to", to), departmentId, columnId, Status(status));
        var (prepared, _) = await book.PrepareAsync(http.GetActor(), filter, ct);
        var pdf = await book.RenderAsync(prepared, ct);
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.ContentDisposition = "attachment; filename=\"approval-records.pdf\"";
        return Results.File(pdf.Bytes, "application/pdf");
    }

    private static DateOnly? Date(string field, string? value) =>
        string.IsNullOrWhiteSpace(value) ? null
        : DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date
        : throw ValidationFailedException.For(field, "Records.DateInvalid");

    private static RecordStatus? Status(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null
        : Enum.TryParse<RecordStatus>(value, ignoreCase: false, out var status) && Enum.IsDefined(status) && !int.TryParse(value, out _) ? status
        : throw ValidationFailedException.For("status", "Records.StatusInvalid");
}
