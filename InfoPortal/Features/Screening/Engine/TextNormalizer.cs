using System.Globalization;

namespace InfoPortal.Features.Screening.Engine;

/// <summary>
/// Maps text to the form an automaton matches on, with a map back to original positions.
/// Folding (full-width → half-width, ideographic space → space, invariant lower case, traditional →
/// simplified by OpenCC's full character table plus its Taiwan/Hong Kong variant tables) is one
/// static 64K table lookup per char. Whitespace, zero-width, control characters and variation
/// selectors are always noise and are dropped from terms too. Punctuation, symbols and surrogates
/// (emoji) are "soft" noise: an instance is built for one set of terms and keeps the soft chars those
/// terms use. The engine runs two instances (ADR 0025): one for terms without soft chars, where every
/// soft char is skipped, and one for the few terms that contain some (机密★, www.a-b.com), so a symbol
/// one term uses is still noise between the characters of every other term.
/// </summary>
public sealed class TextNormalizer
{
    /// <summary>Marks a noise char in <see cref="Map"/>. U+FFFF is a non-character, so never a real term char.</summary>
    public const char Noise = '\uFFFF';

    private static readonly char[] FoldTable = BuildFoldTable();
    private static readonly ulong[] NoiseCandidates = BuildNoiseCandidates();
    private static readonly ulong[] AlwaysNoise = BuildAlwaysNoise();

    // Fold plus noise in one table: the hot loop does a single load per char.
    private readonly char[] _map;

    /// <summary>Creates a normaliser for a list whose (already folded) terms use <paramref name="termChars"/>.</summary>
    public TextNormalizer(IEnumerable<char> termChars)
    {
        ArgumentNullException.ThrowIfNull(termChars);
        var used = new ulong[1024];
        foreach (var c in termChars)
        {
            used[c >> 6] |= 1UL << c;
        }

        _map = new char[65536];
        for (var i = 0; i < 65536; i++)
        {
            var folded = FoldTable[i];
            var isNoise = IsSet(AlwaysNoise, i) || (IsSet(NoiseCandidates, i) && !IsSet(used, folded));
            _map[i] = isNoise ? Noise : folded;
        }
    }

    /// <summary>Bytes held by this instance (the combined table).</summary>
    public static long MemoryBytes => 65536 * sizeof(char);

    /// <summary>The folded char, or <see cref="Noise"/>.</summary>
    public char Map(char c) => _map[c];

    internal char[] Table => _map;

    /// <summary>Fold only (no noise decision): the same rules for terms and text.</summary>
    public static char Fold(char c) => FoldTable[c];

    /// <summary>Punctuation, symbols and surrogates: noise unless the terms of the instance use them.</summary>
    public static bool IsSoftNoise(char c) => IsSet(NoiseCandidates, c);

    /// <summary>Whitespace, zero-width, control and variation selectors: noise everywhere, dropped from terms.</summary>
    public static bool IsAlwaysNoise(char c) => IsSet(AlwaysNoise, c);

    /// <summary>
    /// Sentence and clause punctuation and line breaks (，。；：！？、 and their ASCII forms except the
    /// full stop, which disguises use inside words: 绝.密). Skipped inside a term like any noise, but a
    /// secrecy marking found across one must pass <see cref="ClauseContext"/>.
    /// </summary>
    public static bool IsClauseBreak(char c) => FoldTable[c] switch
    {
        ',' or ';' or ':' or '!' or '?' or '。' or '、' or '｡' or '､' or '\n' or '\r' or '\u0085' or '\u2028' or '\u2029' => true,
        _ => false,
    };
    /// <summary>Normalises a term: folds every char and drops always-noise chars (spaces, zero-width).</summary>
    public static string NormalizeTerm(string term)
    {
        ArgumentNullException.ThrowIfNull(term);
        return string.Create(CountKept(term), term, static (dest, src) =>
        {
            var n = 0;
            foreach (var c in src)
            {
                if (!IsSet(AlwaysNoise, c))
                {
                    dest[n++] = FoldTable[c];
                }
            }
        });
    }

    /// <summary>
    /// Writes the normalised text into <paramref name="destination"/> and, for each written char, its
    /// original index into <paramref name="originalIndex"/>. Both must be at least as long as the text.
    /// Returns the normalised length. Allocation-free: callers bring (pooled) buffers.
    /// </summary>
    public int Normalize(ReadOnlySpan<char> text, Span<char> destination, Span<int> originalIndex)
    {
        if (destination.Length < text.Length || originalIndex.Length < text.Length)
        {
            throw new ArgumentException("Buffers must be at least as long as the text.", nameof(destination));
        }

        var map = _map;
        var n = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var m = map[text[i]];
            if (m != Noise)
            {
                destination[n] = m;
                originalIndex[n] = i;
                n++;
            }
        }

        return n;
    }

    /// <summary>Convenience for tests and tools; the engine itself uses the span overload or <see cref="Map"/>.</summary>
    public (string Text, int[] OriginalIndex) Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var buffer = new char[text.Length];
        var index = new int[text.Length];
        var n = Normalize(text, buffer, index);
        return (new string(buffer, 0, n), index[..n]);
    }

    private static int CountKept(string term)
    {
        var n = 0;
        foreach (var c in term)
        {
            if (!IsSet(AlwaysNoise, c))
            {
                n++;
            }
        }

        return n;
    }

    private static bool IsSet(ulong[] bits, int c) => (bits[c >> 6] & (1UL << c)) != 0;

    private static void Set(ulong[] bits, int c) => bits[c >> 6] |= 1UL << c;

    private static char[] BuildFoldTable()
    {
        var table = new char[65536];
        for (var i = 0; i < 65536; i++)
        {
            table[i] = (char)i;
        }

        ChineseVariants.Apply(table);
        for (var i = 0; i < 65536; i++)
        {
            var c = table[i];
            if (c is >= '\uFF01' and <= '\uFF5E')
            {
                c = (char)(c - 0xFEE0);
            }
            else if (c == '\u3000')
            {
                c = ' ';
            }

            if (!char.IsSurrogate(c))
            {
                c = char.ToLowerInvariant(c);
            }

            table[i] = c;
        }

        // Noise is never a fold target, so a U+FFFF in the text stays noise.
        table[Noise] = Noise;
        return table;
    }

    private static ulong[] BuildNoiseCandidates()
    {
        var bits = new ulong[1024];
        for (var i = 0; i < 65536; i++)
        {
            switch (CharUnicodeInfo.GetUnicodeCategory((char)i))
            {
                case UnicodeCategory.ConnectorPunctuation:
                case UnicodeCategory.DashPunctuation:
                case UnicodeCategory.OpenPunctuation:
                case UnicodeCategory.ClosePunctuation:
                case UnicodeCategory.InitialQuotePunctuation:
                case UnicodeCategory.FinalQuotePunctuation:
                case UnicodeCategory.OtherPunctuation:
                case UnicodeCategory.MathSymbol:
                case UnicodeCategory.CurrencySymbol:
                case UnicodeCategory.ModifierSymbol:
                case UnicodeCategory.OtherSymbol:
                // Emoji and other non-BMP characters arrive as surrogate pairs.
                case UnicodeCategory.Surrogate:
                    Set(bits, i);
                    break;
                default:
                    break;
            }
        }

        return bits;
    }

    private static ulong[] BuildAlwaysNoise()
    {
        var bits = new ulong[1024];
        for (var i = 0; i < 65536; i++)
        {
            var c = (char)i;
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            // Format covers U+200B–U+200D, U+2060 and U+FEFF (zero-width tricks); controls include \r \n \t.
            if (char.IsWhiteSpace(c) || category is UnicodeCategory.Format or UnicodeCategory.Control)
            {
                Set(bits, i);
            }
        }

        // Variation selectors (✿︎ ❤️) and the combining keycap decorate the char before them.
        for (var c = 0xFE00; c <= 0xFE0F; c++)
        {
            Set(bits, c);
        }

        Set(bits, 0x20E3);

        Set(bits, Noise);
        return bits;
    }
}
