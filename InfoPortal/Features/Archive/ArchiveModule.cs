using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Infrastructure.Web;

namespace InfoPortal.Features.Archive;

public static class ArchiveModule
{
    public static IServiceCollection AddArchive(this IServiceCollection services)
    {
        services.AddScoped<ArchiveService>();
        services.AddSingleton<ArchiveIntegrityCheck>();
        services.AddHostedService(sp => sp.GetRequiredService<ArchiveIntegrityCheck>());
        return services;
    }


    public static IEndpointRouteBuilder MapArchive(this IEndpointRouteBuilder app)
    {
        var api = app.MapApiGroup();
        api.MapGet("/archive", async (HttpContext http, ArchiveService archive, DateOnly? from, DateOnly? to, int? departmentId, CancellationToken ct) =>
            TypedResults.Ok((await archive.ListAsync(http.GetActor(), new ArchiveFilter(from, to, departmentId), ct)).Select(ArchiveRecordDto.From)))
            .RequireAuthorization(Permissions.Archive.Read).WithName("ListArchive");
        api.MapGet("/archive/export", (HttpContext http, ArchiveService archive, DateOnly? from, DateOnly? to, int? departmentId, CancellationToken ct) =>
            ExportAsync(http, archive, new ArchiveFilter(from, to, departmentId), ct)).RequireAuthorization(Permissions.Archive.Read).WithName("ExportArchive");

        // The archive page's export button (cookie sign-in).
        app.MapGet("/office/archive/export", (HttpContext http, ArchiveService archive, DateOnly? from, DateOnly? to, int? departmentId, CancellationToken ct) =>
            ExportAsync(http, archive, new ArchiveFilter(from, to, departmentId), ct)).RequireAuthorization(Permissions.Archive.Read);
        return app;
    }

    private static async Task<IResult> ExportAsync(HttpContext http, ArchiveService archive, ArchiveFilter filter, CancellationToken ct)
    {
        // Everything that can refuse the export (authorisation, a missing file) is checked before the
        // first byte, so a refusal is still a clean problem response; then the zip streams to the
        // client without being held in memory (issue 10 item 8).
        var export = await archive.PrepareExportAsync(http.GetActor(), filter, ct);
        http.Response.Headers.CacheControl = "no-store";
        // The zip writer finishes each entry (its data descriptor, a few bytes) with a synchronous
        // write even on its async path; the file data itself goes through WriteAsync.
        if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpBodyControlFeature>() is { } body)
        {
            body.AllowSynchronousIO = true;
        }

        return Results.Stream(body => export.WriteAsync(body, ct), "application/zip", $"archive-{filter.From:yyyyMMdd}-{filter.To:yyyyMMdd}.zip");
    }
}

public sealed record ArchiveRecordDto(
    long Id, long Sequence, string Kind, int RequestId, int DepartmentId, string Title, int ContentVersion, string ContentSha256,
    string FormPdfSha256, DateTimeOffset CreatedAt, string PreviousHash, string Hash)
{
    public static ArchiveRecordDto From(ArchiveRecord r) => new(r.Id, r.Sequence, r.Kind.ToString(), r.RequestId, r.DepartmentId, r.Title,
        r.ContentVersion, r.ContentSha256, r.FormPdfSha256, r.CreatedAt, r.PreviousHash, r.Hash);
}
