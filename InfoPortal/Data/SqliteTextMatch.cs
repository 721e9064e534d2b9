using System.Text;

namespace InfoPortal.Data;

/// <summary>
/// The FTS5 query for SQLite's two text indexes (ADR 0019, ADR 0052): the trigram index answers
/// three characters or more, the per-character index one or two letters or digits. Both quote the
/// text as one phrase, so FTS operators typed by a user are matched as text.
/// </summary>
public static class SqliteTextMatch
{
    /// <summary>The phrase for a trigram index, or null when the text is shorter than a trigram.</summary>
    public static string? Trigram(string text) => text.Length >= 3 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : null;

    /// <summary>The phrase of single-character tokens ("器械" → "器 械"), or null when the text holds anything but letters and digits.</summary>
    public static string? Characters(string text) =>
        text.Length > 0 && text.EnumerateRunes().All(Rune.IsLetterOrDigit) ? "\"" + string.Join(' ', text.EnumerateRunes()) + "\"" : null;
}
