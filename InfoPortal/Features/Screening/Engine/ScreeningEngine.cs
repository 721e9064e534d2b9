using System.Buffers;
using System.Runtime.CompilerServices;

namespace InfoPortal.Features.Screening.Engine;

/// <summary>
/// An immutable, compiled word list. Terms without punctuation or symbols (almost all) live in one
/// automaton that skips every punctuation mark, symbol and emoji; the few terms that contain some
/// (机密★, www.example-site.com) live in a second one that matches those symbols literally and skips
/// the rest. Noise is so decided per term, never for the whole list: importing a term with a dot
/// cannot switch off dot-skipping for 绝密 (ADR 0025). Every term of the second automaton contains
/// one of its symbols, so it is only scanned around the places where a vectorised search finds one.
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
        using var hits = new HitBuffer();
        _plain.Scan(text, normalize, hits);
        var plain = hits.Count;
        _symbols?.Scan(text, normalize, hits);
        Sort(hits.Span, plain);
        return hits.ToList();
    }

    /// <summary>
    /// Orders the hits by start, longer first, then term and category. Each automaton reports its hits by
    /// end, which is already the order by start except among hits that overlap, so each run is sorted by
    /// insertion (a few moves) and the short second run is merged in from the back. A general sort of
    /// the two runs, with their different orders, cost as much as the scan on a long text. Compiled
    /// fully optimised at once, like the scan: checks are too rare for tiered compilation to reach it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Sort(Span<Hit> hits, int split)
    {
        InsertionSort(hits[..split]);
        InsertionSort(hits[split..]);
        if (split == 0 || split == hits.Length || Compare(hits[split - 1], hits[split]) <= 0)
        {
            return;
        }

        var right = ArrayPool<Hit>.Shared.Rent(hits.Length - split);
        try
        {
            hits[split..].CopyTo(right);
            var i = split - 1;
            var j = hits.Length - split - 1;
            for (var k = hits.Length - 1; j >= 0; k--)
            {
                hits[k] = i >= 0 && Compare(hits[i], right[j]) > 0 ? hits[i--] : right[j--];
            }
        }
        finally
        {
            ArrayPool<Hit>.Shared.Return(right);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InsertionSort(Span<Hit> hits)
    {
        for (var i = 1; i < hits.Length; i++)
        {
            var hit = hits[i];
            var j = i;
            while (j > 0 && Compare(hits[j - 1], hit) > 0)
            {
                hits[j] = hits[j - 1];
                j--;
            }

            hits[j] = hit;
        }
    }

    private static int Compare(in Hit a, in Hit b) =>
        a.Start != b.Start ? a.Start.CompareTo(b.Start)
        : a.Length != b.Length ? b.Length.CompareTo(a.Length)
        : string.CompareOrdinal(a.Term, b.Term) is var t && t != 0 ? t
        : string.CompareOrdinal(a.Category, b.Category);

    /// <summary>Number of hits without building a list; the benchmark's inner loop.</summary>
    public int Count(ReadOnlySpan<char> text, bool normalize) =>
        _plain.Scan(text, normalize, null) + (_symbols?.Scan(text, normalize, null) ?? 0);
}
