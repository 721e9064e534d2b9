using InfoPortal.Features.Screening.Engine;
using InfoPortal.Infrastructure;
using InfoPortal.Infrastructure.Cluster;
using InfoPortal.Infrastructure.Html;
using InfoPortal.Infrastructure.Web;

namespace InfoPortal.Features.Screening;

/// <summary>
/// 保密审查 of a request: the compiled word lists (built-in secrecy markings plus the secrecy
/// officer's lists) and the personal-data detectors over the title, the body text (alt text kept),
/// the source, the captions and the text of .docx/.pdf/.txt attachments. Blocking hits refuse a
/// submission or a publication unless overridden (ADR 0011); warnings go with it to the reviewers.
/// </summary>
public sealed class ScreeningService(ScreeningEngineHolder engine, AttachmentTextExtractor extractor, Lists.WordListCompiler lists)
{
    /// <summary>
    /// Call before screening that decides a step: recompiles first when <paramref name="db"/> sees a
    /// newer list revision than the engine holds (another instance's change not yet heard of).
    /// </summary>
    public Task EnsureCurrentListsAsync(Data.PortalDbContext db, CancellationToken cancellationToken = default) =>
        lists.EnsureCurrentAsync(db, cancellationToken);

    /// <inheritdoc cref="EnsureCurrentListsAsync(Data.PortalDbContext, CancellationToken)"/>
    public Task EnsureCurrentListsAsync(CancellationToken cancellationToken = default) => lists.EnsureCurrentAsync(cancellationToken);

    /// <summary>The version of the built-in markings alone (no list revision yet).</summary>
    public const string BuiltInListVersion = "builtin-1";

    /// <summary>The list version screening runs against right now.</summary>
    public string CurrentListVersion => engine.Snapshot.Version;

    public ScreeningReport Check(string text)
    {
        var snapshot = engine.Snapshot;
        return new([.. Find(snapshot.Engine, new ScreenedText("text", text ?? "", null, null, null))], snapshot.Version);
    }

    /// <summary>Every text of a request that is screened, with the field it came from.</summary>
    public IReadOnlyList<ScreenedText> Texts(IScreenedContent content, IEnumerable<IScreenedFile> attachments) => TextsWithNotes(content, attachments).Texts;

    public ScreeningReport Screen(IScreenedContent content, IEnumerable<IScreenedFile> attachments)
    {
        ArgumentNullException.ThrowIfNull(content);
        var snapshot = engine.Snapshot;
        var (texts, notes) = TextsWithNotes(content, attachments);
        var hits = new List<FieldHit>();
        foreach (var text in texts)
        {
            hits.AddRange(Find(snapshot.Engine, text));
        }

        // Fail closed (ADR 0024): a file whose text went unscreened blocks like a secrecy marking,
        // until the 保密员 has read it by hand; nobody can claim it a false positive.
        hits.AddRange(notes.Where(n => AttachmentTextExtractor.BlocksScreening(n.Key) && n.ReviewedBy is null).Select(n =>
            new FieldHit($"attachment:{n.AttachmentId}", 0, 0, n.FileName, n.Key, UnreadableCategory, nameof(ScreeningLevel.Block), n.FileName, "file", null)));
        return new ScreeningReport(hits, snapshot.Version, notes);
    }

    /// <summary>The category of the blocking hit that stands for a file whose text could not be screened.</summary>
    public const string UnreadableCategory = "unreadable";

    private (List<ScreenedText> Texts, List<ScreeningNote> Notes) TextsWithNotes(IScreenedContent content, IEnumerable<IScreenedFile> attachments)
    {
        var texts = new List<ScreenedText>
        {
            new("title", content.Title, null, null, null),
            new("body", HtmlCleaner.ToText(content.BodyHtml), null, null, null),
            new("source", content.Source, null, null, null),
        };
        var notes = new List<ScreeningNote>();
        foreach (var attachment in attachments.Where(a => !a.IsRemoved).OrderBy(a => a.Id))
        {
            if (!string.IsNullOrEmpty(attachment.Caption))
            {
                texts.Add(new ScreenedText($"caption:{attachment.Id}", attachment.Caption, attachment.FileName, "caption", null));
            }

            var extracted = extractor.Get(attachment);
            if (extracted.Note is { } note)
            {
                var review = AttachmentTextExtractor.MayBeReviewedByHand(note) ? extractor.ManualReviewOf(attachment.Sha256) : null;
                notes.Add(new ScreeningNote(attachment.Id, attachment.FileName, note, review?.Reviewer, review?.At, review?.Reason));
            }

            foreach (var part in extracted.Parts)
            {
                var field = part.Page is { } page ? $"attachment:{attachment.Id}:page:{page}" : $"attachment:{attachment.Id}:{part.Part}";
                texts.Add(new ScreenedText(field, part.Text, attachment.FileName, part.Part, part.Page));
            }
        }

        return (texts, notes);
    }

    private static IEnumerable<FieldHit> Find(ScreeningEngine current, ScreenedText screened)
    {
        var text = screened.Text;
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        var hits = current.Find(text).Concat(PersonalDataDetector.All.SelectMany(d => d.Find(text)));
        return hits.OrderBy(h => h.Start).Select(h => new FieldHit(screened.Field, h.Start, h.Length, text.Substring(h.Start, h.Length), h.Term, h.Category, h.Level.ToString(),
            screened.FileName, screened.Part, screened.Page, h.Variant == SoundVariant.None ? null : h.Variant.ToString()));
    }
}

/// <summary>One screened text: <see cref="Field"/> is title/body/source/caption:{id}/attachment:{id}:{part}/attachment:{id}:page:{n}.</summary>
public sealed record ScreenedText(string Field, string Text, string? FileName, string? Part, int? Page);

/// <summary>
/// One hit in one field: <see cref="Text"/> is what stands in the text, <see cref="Term"/> what it matched.
/// Attachment hits name the file, the part (header, footer, …) or the PDF page.
/// </summary>
/// <remarks><see cref="Variant"/> (Pinyin, Initials, Homophone) says the text matched the term by sound (ADR 0056); null when as
/// written, and then left out of the stored JSON, so results recorded before it compare equal.</remarks>
public sealed record FieldHit(string Field, int Start, int Length, string Text, string Term, string Category, string Level,
    string? FileName = null, string? Part = null, int? Page = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Variant = null)
{
    /// <summary>Where the hit is, in words (zh-CN, as stored): 标题, 正文, 附件 X.pdf 第2页, 附件 X.docx（页眉）.</summary>
    public string Label => FileName is null
        ? Field switch { "title" => "标题", "body" => "正文", "source" => "来源", "text" => "文字", _ => Field }
        : Page is { } page ? $"附件 {FileName} 第{page}页"
        : $"附件 {FileName}（{Part switch { "caption" => "说明", "header" => "页眉", "footer" => "页脚", "footnotes" => "脚注", "endnotes" => "尾注", "comments" => "批注", "body" => "正文", _ => "文本" }}）";
}

/// <summary>
/// A file that could not be (fully) screened: <see cref="Key"/> is a resource key (Screening.Extract.*);
/// <see cref="ReviewedBy"/> is the 保密员 who then read it by hand (and when, and what they wrote), if anyone did.
/// </summary>
public sealed record ScreeningNote(int AttachmentId, string FileName, string Key, string? ReviewedBy = null, DateTimeOffset? ReviewedAt = null, string? ReviewNote = null);

public sealed record ScreeningReport(IReadOnlyList<FieldHit> Hits, string ListVersion, IReadOnlyList<ScreeningNote>? Notes = null)
{
    public bool Blocked => Hits.Any(h => h.Level == nameof(ScreeningLevel.Block));

    public bool HasWarnings => Hits.Any(h => h.Level == nameof(ScreeningLevel.Warn));

    public IEnumerable<FieldHit> BlockingHits => Hits.Where(h => h.Level == nameof(ScreeningLevel.Block));

    public IEnumerable<FieldHit> WarningHits => Hits.Where(h => h.Level == nameof(ScreeningLevel.Warn));
}

/// <summary>A submission refused because screening found blocking hits (→ 422 with the hits).</summary>
public sealed class ScreeningBlockedException(ScreeningReport report, string message = "Screening.Blocked")
    : PortalException(MessageFor(report, message), [string.Join("、", report.Hits.Where(h => h.Level == nameof(ScreeningLevel.Block)).Select(h => h.Text).Distinct())])
{
    /// <summary>When only unreadable files block, say so (and who can clear them) instead of speaking of markings.</summary>
    private static string MessageFor(ScreeningReport report, string message) =>
        report.BlockingHits.Any() && report.BlockingHits.All(h => h.Category == ScreeningService.UnreadableCategory) ? "Screening.BlockedUnreadable" : message;

    public ScreeningReport Report { get; } = report;

    public override (int Status, string Code)? Problem => (422, "blocked_by_screening");

    public override IReadOnlyDictionary<string, object?> ProblemExtensions => new Dictionary<string, object?>
    {
        ["hits"] = Report.Hits,
        ["listVersion"] = Report.ListVersion,
    };
}

public static class ScreeningModule
{
    public static IServiceCollection AddScreening(this IServiceCollection services)
    {
        services.AddSingleton(sp => new BuiltInTermSet(BuiltInTerms.For(
            sp.GetRequiredService<IConfiguration>().GetSection(BuiltInTerms.PlacesSection).Get<string[]>() ?? [])));
        services.AddSingleton(sp => new ScreeningEngineHolder(ScreeningEngine.Compile(sp.GetRequiredService<BuiltInTermSet>().Terms), ScreeningService.BuiltInListVersion));
        services.AddOptions<ExtractionLimits>().BindConfiguration(ExtractionLimits.Section);
        services.AddSingleton<AttachmentTextExtractor>();
        services.AddSingleton<ScreeningService>();
        services.AddSingleton<ScreeningRecorder>();
        services.AddSingleton<Lists.WordListCompiler>();
        services.AddScoped<Lists.WordListService>();
        services.AddHostedService<Lists.WordListLoader>();
        services.AddClusterTopicHandler<Lists.WordListSignalHandler>();
        return services;
    }

    public static IEndpointRouteBuilder MapScreening(this IEndpointRouteBuilder app)
    {
        // The body is read whole before it is parsed (JsonBody): a long text is one JSON token.
        app.MapApiGroup().MapPost("/screening/check", async (HttpRequest request, ScreeningService screening, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadAsync<CheckBody>(request, cancellationToken);
            return new CheckAnswer(screening.Check(body?.Text ?? ""));
        }).Accepts<CheckBody>("application/json").Produces(StatusCodes.Status200OK, contentType: "application/json").WithName("ScreeningCheck");
        Lists.WordListsApi.Map(app);
        return app;
    }

    public sealed record CheckBody(string? Text);

}
