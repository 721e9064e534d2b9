using System.Data;
using System.Text;
using InfoPortal.Data;
using InfoPortal.Features.Accounts;
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
            var cat = CategoryOf(category) ?? throw ValidationFailedException.For("category", "Screening.Lists.BadCategory");
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

        var rows = Parse(format, content ?? "", CategoryOf(category) ?? list.Category, level ?? ScreeningLevel.Block);
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
        return Export(terms, format);
    }

    /// <summary>A list as a file: one term a line, or CSV with the header <see cref="Parse"/> reads back (variants included).</summary>
    public static string Export(IEnumerable<Term> terms, ImportFormat format)
    {
        var text = new StringBuilder();
        if (format == ImportFormat.Csv)
        {
            text.Append("term,category,level,variants\n");
            foreach (var t in terms)
            {
                text.Append(Csv(t.Text)).Append(',').Append(t.Category).Append(',').Append(t.Level).Append(',').Append(VariantsText(t.Variants)).Append('\n');
            }
        }
        else
        {
            foreach (var t in terms)
            {
                text.Append(t.Text).Append('\n');
            }
        }

        return text.ToString();
    }

    // One CSV writer for every export (issue 16): quoted, and a leading = + - @ defused against formula injection.
    private static string Csv(string value) => Infrastructure.Text.CsvField.Quote(value, always: false);

    /// <summary>Parses an import; throws with every bad line when any line is bad.</summary>
    public static IReadOnlyList<ImportRow> Parse(ImportFormat format, string content, string defaultCategory, ScreeningLevel defaultLevel)
    {
        var lines = content.TrimStart('\uFEFF').Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        var rows = new Dictionary<string, ImportRow>(StringComparer.Ordinal);
        var errors = new Dictionary<string, string[]>();
        var headerSeen = false;
        var columns = 3;
        for (var i = 0; i < lines.Length; i++)
        {
            var number = i + 1;
            var line = lines[i];
            if (line.Trim().Length == 0)
            {
                continue;
            }

            if (format == ImportFormat.Text)
            {
                var text = line.Trim();
                if (Problem(text) is { } problem) errors[$"line {number}"] = [problem];
                else rows[text] = new ImportRow(text, defaultCategory, defaultLevel);
                continue;
            }

            var fields = SplitCsv(line);
            if (!headerSeen)
            {
                headerSeen = true;
                // term,category,level — and optionally variants (pinyin+homophones), which exports write.
                if (!(fields is { Count: 3 or 4 } && fields[0].Trim().Equals("term", StringComparison.OrdinalIgnoreCase) && fields[1].Trim().Equals("category", StringComparison.OrdinalIgnoreCase) && fields[2].Trim().Equals("level", StringComparison.OrdinalIgnoreCase)
                      && (fields.Count == 3 || fields[3].Trim().Equals("variants", StringComparison.OrdinalIgnoreCase))))
                {
                    errors[$"line {number}"] = ["Screening.Import.BadHeader"];
                    break;
                }

                columns = fields.Count;
                continue;
            }

            if (fields is null || fields.Count != columns)
            {
                errors[$"line {number}"] = ["Screening.Import.BadColumns"];
                continue;
            }

            var term = Infrastructure.Text.CsvField.Unguard(fields[0].Trim());
            var category = CategoryOf(fields[1]);
            var level = LevelOf(fields[2]);
            var variants = columns == 4 ? VariantsOf(fields[3]) : TermVariants.None;
            var lineErrors = new List<string>();
            if (Problem(term) is { } termProblem) lineErrors.Add(termProblem);
            if (category is null) lineErrors.Add("Screening.Lists.BadCategory");
            if (level is null) lineErrors.Add("Screening.Lists.BadLevel");
            if (variants is null) lineErrors.Add("Screening.Lists.BadVariants");
            if (lineErrors.Count > 0) errors[$"line {number}"] = [.. lineErrors];
            else rows[term] = new ImportRow(term, category!, level!.Value, columns == 4 ? variants : null);
        }

        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors, "Screening.Import.Refused");
        }

        if (rows.Count == 0)
        {
            throw ValidationFailedException.For("content", "Screening.Import.Empty");
        }

        return [.. rows.Values];
    }

    private static string? Problem(string term) =>
        term.Length == 0 || TextNormalizer.NormalizeTerm(term).Length == 0 ? "Screening.Lists.TermRequired"
        : term.Length > MaxTermLength ? "Screening.Lists.TermTooLong"
        : null;

    /// <summary>Splits one CSV line (RFC 4180 quoting within the line); null if a quote is left open.</summary>
    private static List<string>? SplitCsv(string line)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { current.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else current.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(current.ToString()); current.Clear(); }
            else current.Append(c);
        }

        if (quoted) return null;
        fields.Add(current.ToString());
        return fields;
    }

    public static string? CategoryOf(string? value) => (value ?? "").Trim() switch
    {
        var v when v.Equals(ScreeningCategories.SecrecyMark, StringComparison.OrdinalIgnoreCase) || v == "保密标识" || v == "密级标识" => ScreeningCategories.SecrecyMark,
        var v when v.Equals(ScreeningCategories.Sensitive, StringComparison.OrdinalIgnoreCase) || v == "敏感词" => ScreeningCategories.Sensitive,
        var v when v.Equals(ScreeningCategories.Custom, StringComparison.OrdinalIgnoreCase) || v == "自定义" => ScreeningCategories.Custom,
        _ => null,
    };

    public static ScreeningLevel? LevelOf(string? value) => (value ?? "").Trim() switch
    {
        var v when v.Equals("Block", StringComparison.OrdinalIgnoreCase) || v == "阻断" || v == "禁止" => ScreeningLevel.Block,
        var v when v.Equals("Warn", StringComparison.OrdinalIgnoreCase) || v.Equals("Warning", StringComparison.OrdinalIgnoreCase) || v == "警告" || v == "提醒" => ScreeningLevel.Warn,
        _ => null,
    };

    /// <summary>
    /// The variants column: empty, or <c>pinyin</c> / <c>homophones</c> (拼音 / 同音) joined by <c>+</c>,
    /// <c>|</c> or <c>、</c>; null when a part is neither.
    /// </summary>
    public static TermVariants? VariantsOf(string? value)
    {
        var variants = TermVariants.None;
        foreach (var part in (value ?? "").Split(['+', '|', '、', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            variants |= part switch
            {
                var v when v.Equals("pinyin", StringComparison.OrdinalIgnoreCase) || v == "拼音" => TermVariants.Pinyin,
                var v when v.Equals("homophones", StringComparison.OrdinalIgnoreCase) || v.Equals("homophone", StringComparison.OrdinalIgnoreCase) || v == "同音" || v == "同音字" => TermVariants.Homophones,
                _ => (TermVariants)(-1),
            };
        }

        return variants < 0 ? null : variants;
    }

    /// <summary>The variants column as an export writes it (and <see cref="VariantsOf"/> reads it back).</summary>
    public static string VariantsText(TermVariants variants) => variants switch
    {
        TermVariants.None => "",
        TermVariants.Pinyin => "pinyin",
        TermVariants.Homophones => "homophones",
        _ => "pinyin+homophones",
    };

    private static string Describe(string category, ScreeningLevel level, TermVariants variants) =>
        variants == TermVariants.None ? $"{category}, {level}" : $"{category}, {level}, {VariantsText(variants)}";

    private static (string Text, string Category, ScreeningLevel Level, TermVariants Variants) ValidateTerm(TermInput input, string defaultCategory, TermVariants currentVariants)
    {
        var text = (input.Text ?? "").Trim();
        if (Problem(text) is { } problem) throw ValidationFailedException.For("text", problem);
        var category = input.Category is null ? defaultCategory : CategoryOf(input.Category) ?? throw ValidationFailedException.For("category", "Screening.Lists.BadCategory");
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
        if (!actor.IsInAnyRole(Roles.SecrecyOfficer, Roles.SystemAdmin))
        {
            throw new ForbiddenException("Screening.Lists.Forbidden");
        }
    }

    private async Task EnsureCanChangeAsync(Actor actor, string action, CancellationToken cancellationToken)
    {
        if (!actor.IsInRole(Roles.SecrecyOfficer))
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
