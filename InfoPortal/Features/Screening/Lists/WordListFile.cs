using System.Text;
using InfoPortal.Features.Screening.Engine;
using InfoPortal.Infrastructure;

namespace InfoPortal.Features.Screening.Lists;

/// <summary>
/// A word list as a file (ADR 0010, 0056): one term a line, or CSV with the header
/// <c>term,category,level[,variants]</c>. Parsing refuses the whole file with every bad line;
/// the export writes what the parser reads back. The words accepted for categories, levels and
/// variants (English or Chinese) live here.
/// </summary>
public static class WordListFile
{
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

    internal static string? Problem(string term) =>
        term.Length == 0 || TextNormalizer.NormalizeTerm(term).Length == 0 ? "Screening.Lists.TermRequired"
        : term.Length > WordListService.MaxTermLength ? "Screening.Lists.TermTooLong"
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
}
