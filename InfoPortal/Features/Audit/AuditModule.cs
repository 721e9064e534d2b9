using System.Globalization;
using System.Text;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Infrastructure.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;

namespace InfoPortal.Features.Audit;

public static class AuditModule
{
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddScoped<AuditLog>();
        return services;
    }

    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder app)
    {
        // CSV export for the audit page (cookie sign-in).
        app.MapGet("/audit/export.csv", ExportCsvAsync)
            .RequireAuthorization(new AuthorizeAttribute { Roles = Roles.AuditAdmin, AuthenticationSchemes = IdentityConstants.ApplicationScheme });

        var api = app.MapApiGroup();
        api.MapGet("/audit", async (HttpContext http, AuditLog audit, long? after, int? limit, CancellationToken ct) =>
                TypedResults.Ok((await audit.ListAfterAsync(http.GetActor(), after ?? 0, limit ?? 100, ct)).Select(AuditRecordDto.From)))
            .RequireAuthorization(Permissions.Audit.Read)
            .WithName("ListAudit");
        api.MapGet("/audit/verify", async (HttpContext http, AuditLog audit, CancellationToken ct) =>
                TypedResults.Ok(await audit.VerifyAsync(http.GetActor(), ct)))
            .RequireAuthorization(Permissions.Audit.Read)
            .WithName("VerifyAudit");
        return app;
    }

    /// <summary>The export's columns, in order; the header row is their codes with <c>?codes=true</c>, else their display names.</summary>
    internal static readonly string[] CsvColumns = ["id", "sequence", "at_utc", "actor_id", "actor", "ip", "action", "target", "outcome", "detail", "previous_hash", "hash"];

    private static readonly string[] CsvColumnKeys = ["Id", "Sequence", "At", "ActorId", "Actor", "Ip", "Action", "Target", "Outcome", "Detail", "PreviousHash", "Hash"];

    /// <summary>
    /// People get a header row and action/outcome names in their language (zh-CN by default);
    /// scripts ask for <c>codes=true</c> and get the stable codes (header and values), as before.
    /// </summary>
    private static async Task ExportCsvAsync(HttpContext http, AuditLog audit, Microsoft.Extensions.Localization.IStringLocalizer<InfoPortal.SharedResource> L,
        string? actor, string? action, AuditOutcome? outcome, string? text, DateTimeOffset? from, DateTimeOffset? to, bool? codes)
    {
        var raw = codes == true;
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"audit-{DateTime.UtcNow:yyyyMMdd-HHmmss}.csv\"";
        await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        await writer.WriteLineAsync(raw ? string.Join(',', CsvColumns) : string.Join(',', CsvColumnKeys.Select(k => Csv(L["Audit.Csv." + k]))));
        await foreach (var r in audit.ExportAsync(http.GetActor(), new AuditQuery(actor, action, outcome, text, from, to), http.RequestAborted))
        {
            await writer.WriteLineAsync(string.Join(',',
                r.Id.ToString(CultureInfo.InvariantCulture), r.Sequence.ToString(CultureInfo.InvariantCulture), r.At.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                r.ActorId?.ToString(CultureInfo.InvariantCulture) ?? "", Csv(r.ActorName), Csv(r.IpAddress),
                Csv(raw ? r.Action : AuditActionNames.Name(L, r.Action)), Csv(r.Target),
                raw ? r.Outcome.ToString() : Csv(L["Audit.Outcome." + r.Outcome]), Csv(r.Detail), r.PreviousHash, r.Hash));
        }
    }

    internal static string Csv(string? value) => Infrastructure.Text.CsvField.Quote(value);
}

public sealed record AuditRecordDto(long Id, long Sequence, DateTimeOffset At, int? ActorId, string Actor, string? Ip, string Action, string? Target, string Outcome, string? Detail, string PreviousHash, string Hash)
{
    public static AuditRecordDto From(AuditRecord r) =>
        new(r.Id, r.Sequence, r.At, r.ActorId, r.ActorName, r.IpAddress, r.Action, r.Target, r.Outcome.ToString(), r.Detail, r.PreviousHash, r.Hash);
}
