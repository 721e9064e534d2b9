using System.Text.Json;
using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Screening.Engine;
using InfoPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Features.Screening;

/// <summary>A false-positive claim for a blocking term, with the officer's written reason.</summary>
public sealed record ScreeningOverride(string Term, string Reason);

/// <summary>
/// What may be overridden (ADR 0011): secrecy markings proper never; any other blocking hit may be
/// claimed a false positive with a written reason, which sends the item to the secrecy officer.
/// </summary>
public static class ScreeningPolicy
{
    private static readonly HashSet<string> Markings = new(new[]
    {
        "绝密★", "机密★", "秘密★", "★绝密", "★机密", "★秘密", "绝密级", "机密级", "秘密级",
        "内部资料", "内部文件", "内部明电", "密码电报", "内部刊物", "内部参阅",
    }.Select(TextNormalizer.NormalizeTerm), StringComparer.Ordinal);

    /// <summary>
    /// 保密制度 五: internal work matters and internal material, though not state secrets, go online
    /// only with a leader's approval. An override of these hits is that request for approval: it adds
    /// a leader's step, not the 保密员's (which stays for every other override).
    /// </summary>
    private static readonly HashSet<string> InternalMatters = new(new[]
    {
        "内部事项", "内部材料", "内部使用", "仅供内部", "内部发行",
    }.Select(TextNormalizer.NormalizeTerm), StringComparer.Ordinal);

    /// <summary>Whether the term marks an internal matter (→ a leader approves its override).</summary>
    public static bool IsInternalMatter(string term) => InternalMatters.Contains(TextNormalizer.NormalizeTerm(term));

    /// <summary>A secrecy marking proper: no reason lets it through.</summary>
    public static bool IsMarking(string term) => Markings.Contains(TextNormalizer.NormalizeTerm(term));

    /// <summary>A file whose text went unscreened is no false positive either: only the 保密员's manual review clears it (ADR 0024).</summary>
    public static bool IsOverridable(FieldHit hit) => hit.Level == nameof(ScreeningLevel.Block) && !IsMarking(hit.Term) && hit.Category != ScreeningService.UnreadableCategory;

    /// <summary>Blocking hits that no valid override covers.</summary>
    public static IReadOnlyList<FieldHit> Unresolved(ScreeningReport report, IReadOnlyCollection<ScreeningOverride> overrides)
    {
        var claimed = overrides.Where(o => !string.IsNullOrWhiteSpace(o.Reason)).Select(o => TextNormalizer.NormalizeTerm(o.Term)).ToHashSet(StringComparer.Ordinal);
        return [.. report.BlockingHits.Where(h => !IsOverridable(h) || !claimed.Contains(TextNormalizer.NormalizeTerm(h.Term)))];
    }

    /// <summary>Blocking hits that an override lets through (→ a secrecy officer step).</summary>
    public static IReadOnlyList<FieldHit> Overridden(ScreeningReport report, IReadOnlyCollection<ScreeningOverride> overrides)
    {
        var unresolved = Unresolved(report, overrides);
        return [.. report.BlockingHits.Where(h => !unresolved.Contains(h))];
    }

    /// <summary>Checks the claims themselves: each needs a term and a written reason.</summary>
    public static IReadOnlyList<ScreeningOverride> Validate(IReadOnlyList<ScreeningOverride>? overrides)
    {
        if (overrides is null || overrides.Count == 0)
        {
            return [];
        }

        if (overrides.Any(o => string.IsNullOrWhiteSpace(o.Term) || string.IsNullOrWhiteSpace(o.Reason) || o.Reason.Length > 500))
        {
            throw ValidationFailedException.For("overrides", "Screening.Override.ReasonRequired");
        }

        return [.. overrides.Select(o => new ScreeningOverride(o.Term.Trim(), o.Reason.Trim()))];
    }
}

/// <summary>Stores screening results and answers what was last checked for a request.</summary>
public sealed class ScreeningRecorder(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public ScreeningResult Build(IScreenedItem request, ScreeningStage stage, ScreeningReport report, bool passed, Actor? actor, IReadOnlyCollection<ScreeningOverride>? overrides = null) => new()
    {
        RequestId = request.Id,
        ContentVersion = request.ContentVersion,
        Stage = stage,
        ListVersion = report.ListVersion,
        HitsJson = JsonSerializer.Serialize(report.Hits, Json),
        OverridesJson = JsonSerializer.Serialize(overrides ?? [], Json),
        BlockedCount = report.BlockingHits.Count(),
        WarningCount = report.WarningHits.Count(),
        Passed = passed,
        ActorId = actor?.UserId,
        At = clock.GetUtcNow(),
    };

    /// <summary>Stores a result on its own (a refused action, a review view).</summary>
    public async Task<ScreeningResult> SaveAsync(ScreeningResult result, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.ScreeningResults.Add(result);
        await db.SaveChangesAsync(cancellationToken);
        return result;
    }

    public async Task<ScreeningResult?> LatestAsync(int requestId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ScreeningResults.AsNoTracking().Where(r => r.RequestId == requestId).OrderByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The overrides the submission of this content version went through with (none if none).</summary>
    public static async Task<IReadOnlyList<ScreeningOverride>> OverridesAsync(PortalDbContext db, IScreenedItem request, CancellationToken cancellationToken)
    {
        var json = await db.ScreeningResults.AsNoTracking()
            .Where(r => r.RequestId == request.Id && r.Stage == ScreeningStage.Submit && r.Passed && r.ContentVersion == request.ContentVersion)
            .OrderByDescending(r => r.Id).Select(r => r.OverridesJson).FirstOrDefaultAsync(cancellationToken);
        return json is null ? [] : JsonSerializer.Deserialize<List<ScreeningOverride>>(json, Json) ?? [];
    }

    /// <summary>
    /// A reviewer looked at the request: store the fresh result (stage Review) when it differs from
    /// the last stored one (other content version, list version or hits). Returns whether it stored.
    /// </summary>
    /// <summary>As <see cref="RecordReviewAsync"/>, staged in <paramref name="db"/> to commit with the decision (ADR 0021).</summary>
    public async Task<bool> StageReviewAsync(PortalDbContext db, IScreenedItem request, ScreeningReport report, Actor actor, CancellationToken cancellationToken = default)
    {
        var fresh = Build(request, ScreeningStage.Review, report, true, actor);
        var last = await LatestAsync(request.Id, cancellationToken);
        if (last is not null && last.ContentVersion == fresh.ContentVersion && last.ListVersion == fresh.ListVersion && last.HitsJson == fresh.HitsJson)
        {
            return false;
        }

        db.ScreeningResults.Add(fresh);
        return true;
    }

    public async Task<bool> RecordReviewAsync(IScreenedItem request, ScreeningReport report, Actor actor, CancellationToken cancellationToken = default)
    {
        var fresh = Build(request, ScreeningStage.Review, report, true, actor);
        var last = await LatestAsync(request.Id, cancellationToken);
        if (last is not null && last.ContentVersion == fresh.ContentVersion && last.ListVersion == fresh.ListVersion && last.HitsJson == fresh.HitsJson)
        {
            return false;
        }

        await SaveAsync(fresh, cancellationToken);
        return true;
    }

    public static IReadOnlyList<FieldHit> HitsOf(ScreeningResult result) => JsonSerializer.Deserialize<List<FieldHit>>(result.HitsJson, Json) ?? [];

    public static IReadOnlyList<ScreeningOverride> OverridesOf(ScreeningResult result) => JsonSerializer.Deserialize<List<ScreeningOverride>>(result.OverridesJson, Json) ?? [];
}
