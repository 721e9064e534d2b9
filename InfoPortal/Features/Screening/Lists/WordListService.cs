using System.Data;
using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Audit;
using InfoPortal.Features.Screening.Engine;
using InfoPortal.Infrastructure;
using InfoPortal.Infrastructure.Cluster;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Features.Screening.Lists;

public enum ImportFormat
{
    Text = 1,
    Csv = 2,
}

public sealed record TermInput(string? Text, string? Category, ScreeningLevel? Level, TermVariants? Variants = null);

/// <summary>One parsed line of an import; <see cref="Variants"/> is null when the file has no such column (an existing term keeps its own).</summary>
public sealed record ImportRow(string Text, string Category, ScreeningLevel Level, TermVariants? Variants = null);

public sealed record ImportResult(int Added, int Updated, string ListVersion);

public sealed record WordListView(int Id, string Name, string Category, IReadOnlyList<Term> Terms);

/// <summary>
/// The secrecy officer's word lists (ADR 0010). Every change runs in one transaction with a new
/// <see cref="WordListRevision"/>, is audited, and recompiles the engine from the database.
/// SystemAdmin may read the lists; only SecrecyOfficer may change them.
/// </summary>
public sealed class WordListService(IDbContextFactory<PortalDbContext> dbFactory, WordListCompiler compiler, AuditLog audit, TimeProvider clock)
{
    public const int MaxTermLength = 100;

    public async Task<IReadOnlyList<WordListView>> ListsAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        EnsureCanRead(actor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var lists = await db.WordLists.AsNoTracking().Include(l => l.Terms).OrderBy(l => l.Id).ToListAsync(cancellationToken);
        return [.. lists.Select(l => new WordListView(l.Id, l.Name, l.Category, [.. l.Terms.OrderBy(t => t.Text, StringComparer.Ordinal)]))];
    }

    public async Task<IReadOnlyList<WordListRevision>> RevisionsAsync(Actor actor, int limit = 50, CancellationToken cancellationToken = default)
    {
        EnsureCanRead(actor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.WordListRevisions.AsNoTracking().OrderByDescending(r => r.Number).Take(Math.Clamp(limit, 1, 500)).ToListAsync(cancellationToken);
    }

    public Task<WordList> CreateListAsync(Actor actor, string? name, string? category, CancellationToken cancellationToken = default) =>
        ChangeAsync(actor, "WordListCreated", async db =>
        {
            var trimmed = (name ?? "").Trim();
            if (trimmed.Length is 0 or > 100) throw ValidationFailedException.For("name", "Screening.Lists.NameRequired");
            var cat = WordListFile.CategoryOf(category) ?? throw ValidationFailedException.For("category", "Screening.Lists.BadCategory");
            if (await db.WordLists.AnyAsync(l => l.Name == trimmed, cancellationToken)) throw ValidationFailedException.For("name", "Screening.Lists.NameTaken");
            var list = new WordList { Name = trimmed, Category = cat, CreatedAt = clock.GetUtcNow() };
            db.WordLists.Add(list);
            return (list, $"list “{trimmed}” ({cat}) created");
        }, cancellationToken);

    /// <summary>
    /// Deletes a list with its terms in two set-based statements: loading 50,000 tracked terms to
    /// delete them one by one held the database's write lock for over 20 minutes (ADR 0025).
    /// </summary>
    public Task<WordList> DeleteListAsync(Actor actor, int listId, CancellationToken cancellationToken = default) =>
        ChangeAsync(actor, "WordListDeleted", async db =>
        {
            var list = await db.WordLists.AsNoTracking().SingleOrDefaultAsync(l => l.Id == listId, cancellationToken) ?? throw new NotFoundException("Screening.Lists.NotFound");
            var count = await db.Terms.Where(t => t.WordListId == listId).ExecuteDeleteAsync(CancellationToken.None);
            await db.WordLists.Where(l => l.Id == listId).ExecuteDeleteAsync(CancellationToken.None);
            return (list, $"list “{list.Name}” deleted with {count} terms");
        }, cancellationToken);

    public Task<Term> AddTermAsync(Actor actor, int listId, TermInput input, CancellationToken cancellationToken = default) =>
        ChangeAsync(actor, "WordListTermAdded", async db =>
        {
            var list = await db.WordLists.SingleOrDefaultAsync(l => l.Id == listId, cancellationToken) ?? throw new NotFoundException("Screening.Lists.NotFound");
            var (text, category, level, variants) = ValidateTerm(input, list.Category, TermVariants.None);
            if (await db.Terms.AnyAsync(t => t.WordListId == listId && t.Text == text, cancellationToken)) throw ValidationFailedException.For("text", "Screening.Lists.TermExists");
            var term = new Term { WordListId = listId, Text = text, Category = category, Level = level, Variants = variants, UpdatedAt = clock.GetUtcNow() };
            db.Terms.Add(term);
            return (term, $"“{list.Name}”: + {text} ({Describe(category, level, variants)})");
        }, cancellationToken);

    public Task<Term> UpdateTermAsync(Actor actor, int termId, TermInput input, CancellationToken cancellationToken = default) =>
        ChangeAsync(actor, "WordListTermEdited", async db =>
        {
            var term = await db.Terms.SingleOrDefaultAsync(t => t.Id == termId, cancellationToken) ?? throw new NotFoundException("Screening.Lists.NotFound");
            var (text, category, level, variants) = ValidateTerm(input, term.Category, term.Variants);
            if (text != term.Text && await db.Terms.AnyAsync(t => t.WordListId == term.WordListId && t.Text == text, cancellationToken)) throw ValidationFailedException.For("text", "Screening.Lists.TermExists");
            var summary = $"{term.Text} ({Describe(term.Category, term.Level, term.Variants)}) → {text} ({Describe(category, level, variants)})";
            (term.Text, term.Category, term.Level, term.Variants, term.UpdatedAt) = (text, category, level, variants, clock.GetUtcNow());
            return (term, summary);
        }, cancellationToken);

    public Task<Term> RemoveTermAsync(Actor actor, int termId, CancellationToken cancellationToken = default) =>
        ChangeAsync(actor, "WordListTermRemoved", async db =>
        {
            var term = await db.Terms.SingleOrDefaultAsync(t => t.Id == termId, cancellationToken) ?? throw new NotFoundException("Screening.Lists.NotFound");
            db.Terms.Remove(term);
            return (term, $"- {term.Text} ({Describe(term.Category, term.Level, term.Variants)})");
        }, cancellationToken);

    /// <summary>
    /// Imports terms into a list: text (one term a line, with the given category and level) or CSV
    /// (header <c>term,category,level</c>). Any bad row refuses the whole import with every bad
    /// line listed (400, errors keyed <c>line N</c>); otherwise new terms are added and existing ones updated.
    /// </summary>
    /// <remarks>
    /// Parsing, reading the list's current terms and the diff happen before the write transaction;
    /// inside it, new terms go in with one statement (<see cref="TermBulkWriter"/>) and changed ones
    /// with one set-based update per (category, level), so 50,000 terms hold SQLite's write lock for
    /// a fraction of a second instead of minutes (ADR 0025). A term added meanwhile by someone else
    /// trips the unique (list, text) index and the import is refused as changed meanwhile.
    /// </remarks>
    public async Task<ImportResult> ImportAsync(Actor actor, int listId, ImportFormat format, string content, string? category = null, ScreeningLevel? level = null, CancellationToken cancellationToken = default)
    {
        await EnsureCanChangeAsync(actor, "WordListImported", cancellationToken);
        WordList list;
        Dictionary<string, (int Id, string Category, ScreeningLevel Level, TermVariants Variants)> existing;
        await using (var read = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            list = await read.WordLists.AsNoTracking().SingleOrDefaultAsync(l => l.Id == listId, cancellationToken) ?? throw new NotFoundException("Screening.Lists.NotFound");
            existing = await read.Terms.AsNoTracking().Where(t => t.WordListId == listId)
                .Select(t => new { t.Id, t.Text, t.Category, t.Level, t.Variants })
                .ToDictionaryAsync(t => t.Text, t => (t.Id, t.Category, t.Level, t.Variants), StringComparer.Ordinal, cancellationToken);
        }

        var rows = WordListFile.Parse(format, content ?? "", WordListFile.CategoryOf(category) ?? list.Category, level ?? ScreeningLevel.Block);
        var added = rows.Where(r => !existing.ContainsKey(r.Text)).ToList();
        var changed = rows
            .Select(r => (Row: r, Existing: existing.GetValueOrDefault(r.Text)))
            .Where(x => x.Existing.Id != 0)
            .Select(x => (x.Row, x.Existing, Variants: x.Row.Variants ?? x.Existing.Variants))
            .Where(x => x.Existing.Category != x.Row.Category || x.Existing.Level != x.Row.Level || x.Existing.Variants != x.Variants)
            .GroupBy(x => (x.Row.Category, x.Row.Level, x.Variants), x => x.Existing.Id)
            .ToList();
        var updatedCount = changed.Sum(g => g.Count());
        await ChangeAsync(actor, "WordListImported", async db =>
        {
            var now = clock.GetUtcNow();
            await TermBulkWriter.InsertAsync(db, listId, added, now);
            foreach (var group in changed)
            {
                var ids = group.ToList();
                var (cat, lvl, variants) = group.Key;
                await db.Terms.Where(t => t.WordListId == listId && ids.Contains(t.Id))
                    .ExecuteUpdateAsync(u => u.SetProperty(t => t.Category, cat).SetProperty(t => t.Level, lvl).SetProperty(t => t.Variants, variants).SetProperty(t => t.UpdatedAt, now), CancellationToken.None);
            }

            return (list, $"“{list.Name}”: import {format}, {added.Count} added, {updatedCount} updated");
        }, cancellationToken);
        return new ImportResult(added.Count, updatedCount, compiler.CurrentVersion);
    }

    public async Task<string> ExportAsync(Actor actor, int listId, ImportFormat format, CancellationToken cancellationToken = default)
    {
        EnsureCanRead(actor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var list = await db.WordLists.AsNoTracking().Include(l => l.Terms).SingleOrDefaultAsync(l => l.Id == listId, cancellationToken) ?? throw new NotFoundException("Screening.Lists.NotFound");
        var terms = list.Terms.OrderBy(t => t.Text, StringComparer.Ordinal).ToList();
        await audit.AppendAsync(actor, "WordListExported", $"wordlist:{listId}", AuditOutcome.Success, $"{format}, {terms.Count} terms", cancellationToken);
        return WordListFile.Export(terms, format);
    }

    private static string Describe(string category, ScreeningLevel level, TermVariants variants) =>
        variants == TermVariants.None ? $"{category}, {level}" : $"{category}, {level}, {WordListFile.VariantsText(variants)}";

    private static (string Text, string Category, ScreeningLevel Level, TermVariants Variants) ValidateTerm(TermInput input, string defaultCategory, TermVariants currentVariants)
    {
        var text = (input.Text ?? "").Trim();
        if (WordListFile.Problem(text) is { } problem) throw ValidationFailedException.For("text", problem);
        var category = input.Category is null ? defaultCategory : WordListFile.CategoryOf(input.Category) ?? throw ValidationFailedException.For("category", "Screening.Lists.BadCategory");
        var level = input.Level is { } l && Enum.IsDefined(l) ? l : input.Level is null ? ScreeningLevel.Block : throw ValidationFailedException.For("level", "Screening.Lists.BadLevel");
        var variants = input.Variants ?? currentVariants;
        if ((variants & ~(TermVariants.Pinyin | TermVariants.Homophones)) != 0) throw ValidationFailedException.For("variants", "Screening.Lists.BadVariants");
        return (text, category, level, variants);
    }

    /// <summary>
    /// The sound variants the lists ask for, after the change (inside its transaction), stay within
    /// <see cref="SoundAlike.MaxForms"/>: otherwise the change is refused and nothing is written.
    /// </summary>
    private static async Task EnsureSoundFormsWithinBudgetAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        await db.SaveChangesAsync(CancellationToken.None);
        var flagged = await db.Terms.AsNoTracking().Where(t => t.Variants != TermVariants.None)
            .Select(t => new { t.Text, t.Variants }).ToListAsync(cancellationToken);
        var forms = 0;
        foreach (var term in flagged)
        {
            forms += SoundAlike.Expand(TextNormalizer.NormalizeTerm(term.Text), term.Variants).Count;
            if (forms > SoundAlike.MaxForms)
            {
                throw ValidationFailedException.For("variants", "Screening.Lists.TooManyVariants");
            }
        }
    }

    private static void EnsureCanRead(Actor actor)
    {
        if (!actor.Has(Permissions.Screening.ViewLists))
        {
            throw new ForbiddenException("Screening.Lists.Forbidden");
        }
    }

    private async Task EnsureCanChangeAsync(Actor actor, string action, CancellationToken cancellationToken)
    {
        if (!actor.Has(Permissions.Screening.EditLists))
        {
            await audit.AppendAsync(actor, action, "wordlists", AuditOutcome.Refused, "not SecrecyOfficer", cancellationToken);
            throw new ForbiddenException("Screening.Lists.Forbidden");
        }
    }

    /// <summary>One change: authorise, apply, add the next revision, commit, audit, recompile.</summary>
    private async Task<T> ChangeAsync<T>(Actor actor, string action, Func<PortalDbContext, Task<(T Result, string Summary)>> apply, CancellationToken cancellationToken)
    {
        await EnsureCanChangeAsync(actor, action, cancellationToken);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        int number;
        T result;
        string summary;
        try
        {
            (result, summary) = await apply(db);
            await EnsureSoundFormsWithinBudgetAsync(db, cancellationToken);
            number = (await db.WordListRevisions.MaxAsync(r => (int?)r.Number, cancellationToken) ?? 0) + 1;
            db.WordListRevisions.Add(new WordListRevision { Number = number, ActorId = actor.UserId, ActorName = actor.DisplayName, At = clock.GetUtcNow(), Summary = summary.Length > 1000 ? summary[..1000] : summary });
            audit.Stage(db, actor, action, "wordlists", AuditOutcome.Success, $"{WordListCompiler.VersionOf(number)}: {summary}");
            await db.SaveChangesAsync(CancellationToken.None);
            // Every instance hears of the change when (and only if) this transaction commits; this
            // one recompiles right after the commit, before the call returns (ADR 0021 §4).
            await ClusterSignal.BumpAsync(db, ClusterTopics.WordLists, cancellationToken: CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is DbUpdateException
            or Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 19 }
            or Npgsql.PostgresException { SqlState: ['2', '3', ..] })
        {
            // A unique (list, text) or foreign-key violation from a bulk statement: someone changed the list meanwhile.
            throw new ConflictException("Screening.Lists.ChangedMeanwhile");
        }

        return result;
    }
}
