using InfoPortal.Features.Requests;
using InfoPortal.Features.Screening.Engine;
using InfoPortal.Infrastructure;
using InfoPortal.Infrastructure.Html;
using InfoPortal.Infrastructure.Web;

namespace InfoPortal.Features.Screening;

/// <summary>
/// 保密审查 of a request: the compiled word lists (for now the built-in secrecy markings) and the
/// personal-data detectors over the title, the body text (alt text kept) and the captions.
/// Blocking hits refuse a submission; warnings go with it to the reviewers.
/// </summary>
public sealed class ScreeningService(ScreeningEngineHolder engine)
{
    /// <summary>Which lists a result was checked against; the word-list feature will version its lists.</summary>
    public const string BuiltInListVersion = "builtin-1";

    public ScreeningReport Check(string text) => new([.. Find("text", text)], BuiltInListVersion);

    public ScreeningReport Screen(RequestContent content, IEnumerable<Attachment> attachments)
    {
        var hits = new List<FieldHit>();
        hits.AddRange(Find("title", content.Title));
        hits.AddRange(Find("body", HtmlCleaner.ToText(content.BodyHtml)));
        hits.AddRange(Find("source", content.Source));
        foreach (var attachment in attachments.Where(a => !a.IsRemoved && !string.IsNullOrEmpty(a.Caption)))
        {
            hits.AddRange(Find($"caption:{attachment.Id}", attachment.Caption!));
        }

        return new ScreeningReport(hits, BuiltInListVersion);
    }

    private IEnumerable<FieldHit> Find(string field, string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        var hits = engine.Current.Find(text).Concat(PersonalDataDetector.All.SelectMany(d => d.Find(text)));
        return hits.OrderBy(h => h.Start).Select(h => new FieldHit(field, h.Start, h.Length, text.Substring(h.Start, h.Length), h.Term, h.Category, h.Level.ToString()));
    }
}

/// <summary>One hit in one field: <see cref="Text"/> is what stands in the text, <see cref="Term"/> what it matched.</summary>
public sealed record FieldHit(string Field, int Start, int Length, string Text, string Term, string Category, string Level);

public sealed record ScreeningReport(IReadOnlyList<FieldHit> Hits, string ListVersion)
{
    public bool Blocked => Hits.Any(h => h.Level == nameof(ScreeningLevel.Block));

    public bool HasWarnings => Hits.Any(h => h.Level == nameof(ScreeningLevel.Warn));
}

/// <summary>A submission refused because screening found blocking hits (→ 422 with the hits).</summary>
public sealed class ScreeningBlockedException(ScreeningReport report)
    : PortalException("Screening.Blocked", [string.Join("、", report.Hits.Where(h => h.Level == nameof(ScreeningLevel.Block)).Select(h => h.Text).Distinct())])
{
    public ScreeningReport Report { get; } = report;
}

public static class ScreeningModule
{
    public static IServiceCollection AddScreening(this IServiceCollection services)
    {
        services.AddSingleton(_ => new ScreeningEngineHolder(ScreeningEngine.Compile(BuiltInTerms.All)));
        services.AddSingleton<ScreeningService>();
        return services;
    }

    public static IEndpointRouteBuilder MapScreening(this IEndpointRouteBuilder app)
    {
        app.MapApiGroup().MapPost("/screening/check", (ScreeningService screening, CheckBody body) =>
        {
            var report = screening.Check(body.Text ?? "");
            return TypedResults.Ok(new
            {
                hits = report.Hits.Select(h => new { start = h.Start, length = h.Length, term = h.Term, text = h.Text, category = h.Category, level = h.Level }),
                listVersion = report.ListVersion,
            });
        }).WithName("ScreeningCheck");
        return app;
    }

    public sealed record CheckBody(string? Text);
}
