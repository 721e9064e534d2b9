using System.Text;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Screening.Engine;
using InfoPortal.Infrastructure;
using InfoPortal.Infrastructure.Web;

namespace InfoPortal.Features.Screening.Lists;

/// <summary>Word-list endpoints (an extension of API.md): SecrecyOfficer changes, SystemAdmin reads.</summary>
public static class WordListsApi
{
    public sealed record ListBody(string? Name, string? Category);

    /// <summary><see cref="Pinyin"/> and <see cref="Homophones"/> ask for the term's sound variants (ADR 0056); both left out keeps what the term had (none for a new one).</summary>
    public sealed record TermBody(string? Text, string? Category, ScreeningLevel? Level, bool? Pinyin = null, bool? Homophones = null)
    {
        public TermInput ToInput() => new(Text, Category, Level,
            Pinyin is null && Homophones is null ? null
            : (Pinyin == true ? TermVariants.Pinyin : TermVariants.None) | (Homophones == true ? TermVariants.Homophones : TermVariants.None));
    }

    private static object View(Term t) => new
    {
        id = t.Id,
        text = t.Text,
        category = t.Category,
        level = t.Level.ToString(),
        pinyin = t.Variants.HasFlag(TermVariants.Pinyin),
        homophones = t.Variants.HasFlag(TermVariants.Homophones),
    };

    public static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapApiGroup();
        api.MapGet("/screening/lists", async (HttpContext http, WordListService lists, WordListCompiler compiler, CancellationToken ct) =>
        {
            var all = await lists.ListsAsync(http.GetActor(), ct);
            return TypedResults.Ok(new
            {
                listVersion = compiler.CurrentVersion,
                builtIn = compiler.BuiltIns.Select(t => new { text = t.Text, category = t.Category, level = t.Level.ToString() }),
                lists = all.Select(l => new { id = l.Id, name = l.Name, category = l.Category, terms = l.Terms.Select(View) }),
            });
        }).WithName("ListWordLists").RequireAuthorization(Permissions.Screening.ViewLists);

        api.MapGet("/screening/lists/revisions", async (HttpContext http, WordListService lists, CancellationToken ct) =>
            TypedResults.Ok((await lists.RevisionsAsync(http.GetActor(), 100, ct)).Select(r => new { number = r.Number, version = WordListCompiler.VersionOf(r.Number), actor = r.ActorName, at = r.At, summary = r.Summary })))
            .WithName("WordListRevisions").RequireAuthorization(Permissions.Screening.ViewLists);

        api.MapPost("/screening/lists", async (HttpContext http, WordListService lists, ListBody body, CancellationToken ct) =>
        {
            var list = await lists.CreateListAsync(http.GetActor(), body.Name, body.Category, ct);
            return TypedResults.Created($"/api/v1/screening/lists/{list.Id}", new { id = list.Id, name = list.Name, category = list.Category });
        }).WithName("CreateWordList").RequireAuthorization(Permissions.Screening.EditLists);

        api.MapDelete("/screening/lists/{id:int}", async (HttpContext http, WordListService lists, int id, CancellationToken ct) =>
        {
            await lists.DeleteListAsync(http.GetActor(), id, ct);
            return TypedResults.NoContent();
        }).WithName("DeleteWordList").RequireAuthorization(Permissions.Screening.EditLists);

        api.MapPost("/screening/lists/{id:int}/terms", async (HttpContext http, WordListService lists, int id, TermBody body, CancellationToken ct) =>
        {
            var term = await lists.AddTermAsync(http.GetActor(), id, body.ToInput(), ct);
            return TypedResults.Ok(View(term));
        }).WithName("AddWordListTerm").RequireAuthorization(Permissions.Screening.EditLists);

        api.MapPut("/screening/terms/{id:int}", async (HttpContext http, WordListService lists, int id, TermBody body, CancellationToken ct) =>
        {
            var term = await lists.UpdateTermAsync(http.GetActor(), id, body.ToInput(), ct);
            return TypedResults.Ok(View(term));
        }).WithName("EditWordListTerm").RequireAuthorization(Permissions.Screening.EditLists);

        api.MapDelete("/screening/terms/{id:int}", async (HttpContext http, WordListService lists, int id, CancellationToken ct) =>
        {
            await lists.RemoveTermAsync(http.GetActor(), id, ct);
            return TypedResults.NoContent();
        }).WithName("RemoveWordListTerm").RequireAuthorization(Permissions.Screening.EditLists);

        // Body: the file as UTF-8 (BOM tolerated). format=text (one term a line; category and level from the query) or csv.
        api.MapPost("/screening/lists/{id:int}/import", async (HttpContext http, WordListService lists, int id, string? format, string? category, ScreeningLevel? level, CancellationToken ct) =>
        {
            using var reader = new StreamReader(http.Request.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            var content = await reader.ReadToEndAsync(ct);
            var result = await lists.ImportAsync(http.GetActor(), id, FormatOf(format), content, category, level, ct);
            return TypedResults.Ok(new { added = result.Added, updated = result.Updated, listVersion = result.ListVersion });
        }).DisableAntiforgery().WithName("ImportWordList").RequireAuthorization(Permissions.Screening.EditLists);

        api.MapGet("/screening/lists/{id:int}/export", async (HttpContext http, WordListService lists, int id, string? format, CancellationToken ct) =>
            await ExportFileAsync(http, lists, id, FormatOf(format), ct))
            .WithName("ExportWordList").RequireAuthorization(Permissions.Screening.ViewLists);

        // The list page's download links (cookie sign-in): the same audited export. The page used to put
        // the whole list into the link itself, megabytes of markup for a 50,000-term list.
        app.MapGet("/office/screening/lists/{id:int}/export", async (HttpContext http, WordListService lists, Microsoft.Extensions.Localization.IStringLocalizer<SharedResource> L, int id, string? format, CancellationToken ct) =>
        {
            try
            {
                return await ExportFileAsync(http, lists, id, FormatOf(format), ct);
            }
            catch (PortalException e)
            {
                return Results.Text(e.Localize(L), statusCode: e switch { ForbiddenException => 403, NotFoundException => 404, _ => 400 });
            }
        }).RequireAuthorization(Permissions.Screening.ViewLists);
    }

    private static async Task<IResult> ExportFileAsync(HttpContext http, WordListService lists, int id, ImportFormat format, CancellationToken ct)
    {
        var text = await lists.ExportAsync(http.GetActor(), id, format, ct);
        return TypedResults.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text)).ToArray(),
            format == ImportFormat.Csv ? "text/csv; charset=utf-8" : "text/plain; charset=utf-8", format == ImportFormat.Csv ? $"wordlist-{id}.csv" : $"wordlist-{id}.txt");
    }

    public static ImportFormat FormatOf(string? format) => (format ?? "text").ToUpperInvariant() switch
    {
        "TEXT" or "TXT" => ImportFormat.Text,
        "CSV" => ImportFormat.Csv,
        _ => throw ValidationFailedException.For("format", "Screening.Import.BadFormat"),
    };
}
