namespace InfoPortal.Features.Screening.Engine;

/// <summary>
/// An immutable, compiled word list. Terms without punctuation or symbols (almost all) live in one
/// automaton that skips every punctuation mark, symbol and emoji; the few terms that contain some
/// (机密★, www.example-site.com) live in a second one that matches those symbols literally and skips
/// the rest. Noise is so decided per term, never for the whole list: importing a term with a dot
/// cannot switch off dot-skipping for 绝密 (ADR 0025). The second automaton is only scanned when it
/// has terms.
/// </summary>
public sealed class ScreeningEngine
{
    private readonly Automaton _plain;
    private readonly Automaton? _symbols;

    internal ScreeningEngine(Automaton plain, Automaton? symbols)
    {
        _plain = plain;
        _symbols = symbols;
    }

    /// <summary>The normaliser of the plain terms: every symbol, punctuation mark and emoji is noise.</summary>
    public TextNormalizer Normalizer => _plain.Normalizer;

    /// <summary>The normaliser of the terms that contain symbols (null when there are none).</summary>
    public TextNormalizer? SymbolNormalizer => _symbols?.Normalizer;

    /// <summary>Distinct (normalised text, category) entries compiled.</summary>
    public int TermCount => _plain.TermCount + (_symbols?.TermCount ?? 0);

    /// <summary>Terms matched with their symbols literally (the second automaton).</summary>
    public int SymbolTermCount => _symbols?.TermCount ?? 0;

    public int StateCount => _plain.StateCount + (_symbols?.StateCount ?? 0);

    /// <summary>Approximate bytes held by the compiled automata and their normalisers, for the benchmark.</summary>
    public long MemoryBytes => _plain.MemoryBytes + (_symbols?.MemoryBytes ?? 0);

    public static ScreeningEngine Compile(IEnumerable<ScreeningTerm> terms) => ScreeningEngineBuilder.Build(terms);

    /// <summary>Every hit with normalisation on, ordered by start, longer first.</summary>
    public IReadOnlyList<Hit> Find(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Find(text.AsSpan(), normalize: true);
    }

    /// <summary>
    /// Every hit (overlapping included). With <paramref name="normalize"/> off the raw chars are matched
    /// against the normalised terms; that mode exists for the benchmark and for pre-normalised input.
    /// </summary>
    public List<Hit> Find(ReadOnlySpan<char> text, bool normalize)
    {
        var hits = new List<Hit>();
        _plain.Scan(text, normalize, hits);
        _symbols?.Scan(text, normalize, hits);
        if (hits.Count > 1)
        {
            hits.Sort(static (a, b) =>
                a.Start != b.Start ? a.Start.CompareTo(b.Start)
                : a.Length != b.Length ? b.Length.CompareTo(a.Length)
                : string.CompareOrdinal(a.Term, b.Term) is var t && t != 0 ? t
                : string.CompareOrdinal(a.Category, b.Category));
        }

        return hits;
    }

    /// <summary>Number of hits without building a list; the benchmark's inner loop.</summary>
    public int Count(ReadOnlySpan<char> text, bool normalize) =>
        _plain.Scan(text, normalize, null) + (_symbols?.Scan(text, normalize, null) ?? 0);
}
