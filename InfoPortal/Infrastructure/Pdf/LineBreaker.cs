using System.Globalization;
using System.Text;

namespace InfoPortal.Infrastructure.Pdf;

/// <summary>
/// Breaks text into lines no wider than a width, for Chinese and mixed text: a line may break
/// between any two CJK characters, Latin words (and numbers) stay whole unless a single word is
/// wider than the line, and the kinsoku rules hold — no line starts with closing punctuation
/// (，。、；：？！）》」 …) and no line ends with opening punctuation (（《「 …). Hard line breaks
/// (\n) are kept. Spaces at a break are dropped.
/// </summary>
public static class LineBreaker
{
    /// <summary>Characters that may not begin a line (行首禁则).</summary>
    public const string NoLineStart = "，。、；：？！）》」』】〕〉”’…—·,.;:?!)]}%‰℃";

    /// <summary>Characters that may not end a line (行尾禁则).</summary>
    public const string NoLineEnd = "（《「『【〔〈“‘([{";

    public static IReadOnlyList<string> Break(string text, double width, Func<string, double> measure)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(measure);
        var lines = new List<string>();
        foreach (var paragraph in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            BreakParagraph(paragraph, width, measure, lines);
        }

        return lines;
    }

    private static void BreakParagraph(string paragraph, double width, Func<string, double> measure, List<string> lines)
    {
        var tokens = Tokens(paragraph);
        if (tokens.Count == 0)
        {
            lines.Add("");
            return;
        }

        // Widths add up (the advance widths of the glyphs; no kerning), so each cluster is measured
        // once and the line's width carried along: linear in the paragraph, not quadratic.
        var line = new StringBuilder();
        var full = 0.0; // the line as it stands, trailing spaces included
        var trimmed = 0.0; // the line without its trailing spaces: what must fit
        var i = 0;
        while (i < tokens.Count)
        {
            // A cluster is a token plus any closing punctuation after it and any opening punctuation
            // before it: it moves to the next line as one piece, which is how kinsoku is kept.
            var (cluster, next) = Cluster(tokens, i);
            var piece = line.Length == 0 ? cluster.TrimStart() : cluster;
            var visible = piece.TrimEnd();
            var candidate = visible.Length == 0 ? trimmed : full + measure(visible);
            if (candidate <= width || line.Length == 0 && visible.Length == 0)
            {
                full = visible.Length == piece.Length ? candidate : full + measure(piece);
                trimmed = candidate;
                line.Append(piece);
                i = next;
                continue;
            }

            if (line.Length > 0 && line.ToString().Trim().Length > 0)
            {
                lines.Add(line.ToString().TrimEnd());
                line.Clear();
                full = trimmed = 0;
                continue;
            }

            // The cluster alone is wider than the line (a very long word or URL): cut it by characters.
            var cut = new StringBuilder();
            var cutWidth = 0.0;
            foreach (var element in Elements(cluster.TrimStart()))
            {
                var elementWidth = measure(element);
                if (cut.Length > 0 && cutWidth + elementWidth > width)
                {
                    lines.Add(cut.ToString());
                    cut.Clear();
                    cutWidth = 0;
                }

                cut.Append(element);
                cutWidth += elementWidth;
            }

            line.Append(cut);
            full = measure(line.ToString());
            trimmed = measure(line.ToString().TrimEnd());
            i = next;
        }

        if (line.Length > 0)
        {
            lines.Add(line.ToString().TrimEnd());
        }
    }

    private static (string Cluster, int Next) Cluster(List<string> tokens, int start)
    {
        var builder = new StringBuilder();
        var i = start;
        // Opening punctuation binds to what follows it.
        while (i < tokens.Count - 1 && tokens[i].Length > 0 && NoLineEnd.Contains(tokens[i][^1], StringComparison.Ordinal))
        {
            builder.Append(tokens[i++]);
        }

        builder.Append(tokens[i++]);
        // Closing punctuation binds to what precedes it.
        while (i < tokens.Count && tokens[i].Length > 0 && NoLineStart.Contains(tokens[i][0], StringComparison.Ordinal))
        {
            builder.Append(tokens[i++]);
        }

        return (builder.ToString(), i);
    }

    /// <summary>Splits into break units: a Latin/digit word (with its trailing spaces), one CJK or other character, or a run of spaces.</summary>
    private static List<string> Tokens(string text)
    {
        var tokens = new List<string>();
        var elements = Elements(text).ToList();
        var i = 0;
        while (i < elements.Count)
        {
            var element = elements[i];
            if (IsWordPart(element))
            {
                var word = new StringBuilder();
                while (i < elements.Count && IsWordPart(elements[i]))
                {
                    word.Append(elements[i++]);
                }

                while (i < elements.Count && elements[i] == " ")
                {
                    word.Append(elements[i++]);
                }

                tokens.Add(word.ToString());
            }
            else if (element == " ")
            {
                var spaces = new StringBuilder();
                while (i < elements.Count && elements[i] == " ")
                {
                    spaces.Append(elements[i++]);
                }

                if (tokens.Count > 0)
                {
                    tokens[^1] += spaces.ToString();
                }
            }
            else
            {
                tokens.Add(element);
                i++;
            }
        }

        return tokens;
    }

    private static bool IsWordPart(string element)
    {
        var rune = Rune.GetRuneAt(element, 0);
        if (rune.Value < 0x2E80 && (Rune.IsLetterOrDigit(rune) || element is "-" or "_" or "/" or "@" or "&" or "'" or "#" or "+" or "="))
        {
            return true;
        }

        // '.' and ',' inside numbers and abbreviations bind to the word only when not at the start.
        return false;
    }

    private static IEnumerable<string> Elements(string text)
    {
        var enumerator = StringInfo.GetTextElementEnumerator(text.Replace('\t', ' '));
        while (enumerator.MoveNext())
        {
            yield return (string)enumerator.Current;
        }
    }
}
