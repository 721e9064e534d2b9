using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace InfoPortal.Features.Screening.Engine;

/// <summary>
/// One compiled Aho-Corasick automaton of <see cref="ScreeningEngine"/>, laid out for CJK. The root has a dense 64K table
/// (almost every char of Chinese text starts at the root, so this is the hot path); other states keep
/// their children as a sorted slice of one shared key/target array (CSR), searched linearly when short
/// and by binary search when long. Failure links and output links are precomputed. Normalisation is
/// fused into the scan (one table load per char) and a small ring buffer remembers the original index
/// of the last normalised chars, so nothing is allocated per char.
/// </summary>
internal sealed class Automaton
{
    private const int LinearSearchLimit = 8;

    private readonly int[] _rootNext;      // char → state, 0 = stay at root
    private readonly State[] _states;      // the per-char hot fields of a state, together in one cache line
    private readonly char[] _keys;         // children of all states, sorted per state (CSR)
    private readonly int[] _targets;
    private readonly int[] _nextReport;    // state with output → next suffix state with output
    private readonly int[] _firstTerm;     // state → first term index ending here, −1 if none
    private readonly int[] _nextTerm;      // term → next term ending at the same state
    private readonly int[] _termLength;    // normalised length
    private readonly ScreeningTerm[] _terms;
    private readonly string[] _norms;      // normalised term text, for the clause rule
    private readonly bool[] _clauseRule;   // secrecy markings: a hit across a clause break is checked by ClauseContext
    private readonly bool[] _telegramRule; // 〈地名〉发电: not when the next word is about power generation (发电量, 发电厂)
    private readonly SoundVariant[] _kinds; // how each entry was formed: as written or a sound variant (ADR 0056)
    private readonly byte[] _wordEdges;    // 1: starts with a Latin letter, 2: ends with one — pinyin must not sit inside a longer word
    private readonly int _ringMask;

    /// <summary>
    /// What the scan reads for every char, interleaved: with separate arrays each char cost one cache
    /// miss per array on large lists. <see cref="Report"/> is the state itself if it ends a term, else
    /// the nearest suffix state that does, else 0.
    /// </summary>
    internal struct State
    {
        public int ChildStart;
        public int ChildEnd;
        public int Fail;
        public int Report;

        /// <summary>
        /// Bit (c mod 64) set for each child char. Most steps at a shallow state miss; the mask answers
        /// that without loading the key slice, which takes a dependent cache load and an unpredictable
        /// loop out of the per-char chain.
        /// </summary>
        public ulong ChildMask;
    }

    internal Automaton(
        TextNormalizer normalizer, ScreeningTerm[] terms, string[] norms, SoundVariant[] kinds, int maxLength,
        int[] rootNext, State[] states, char[] keys, int[] targets,
        int[] nextReport, int[] firstTerm, int[] nextTerm)
    {
        Normalizer = normalizer;
        _terms = terms;
        _norms = norms;
        _clauseRule = [.. terms.Select(t => t.Category == BuiltInTerms.SecrecyMarkCategory)];
        _telegramRule = [.. terms.Select(t => t.Category == BuiltInTerms.SecrecyMarkCategory && t.Text.EndsWith(BuiltInTerms.TelegramSuffix, StringComparison.Ordinal))];
        _kinds = kinds;
        _wordEdges = [.. norms.Select((n, t) => kinds[t] is SoundVariant.Pinyin or SoundVariant.Initials
            ? (byte)((char.IsAsciiLetter(n[0]) ? 1 : 0) | (char.IsAsciiLetter(n[^1]) ? 2 : 0))
            : (byte)0)];
        var termLength = norms.Select(n => n.Length).ToArray();
        _termLength = termLength;
        _rootNext = rootNext;
        _states = states;
        _keys = keys;
        _targets = targets;
        _nextReport = nextReport;
        _firstTerm = firstTerm;
        _nextTerm = nextTerm;
        _ringMask = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(maxLength, 1)) - 1;
    }

    /// <summary>The normaliser built for these terms (its soft-noise set depends on the term chars).</summary>
    public TextNormalizer Normalizer { get; }

    /// <summary>Distinct (normalised text, category) entries compiled.</summary>
    internal IReadOnlyList<ScreeningTerm> Terms => _terms;

    public int TermCount => _terms.Length;

    public int StateCount => _states.Length;

    /// <summary>Approximate bytes held by the automaton and its normaliser, for the benchmark.</summary>
    public long MemoryBytes =>
        TextNormalizer.MemoryBytes
        + (24L * _states.Length)
        + (4L * (_rootNext.Length + _targets.Length + _nextReport.Length + _firstTerm.Length
                 + _nextTerm.Length + _termLength.Length))
        + (2L * _keys.Length) + (13L * _terms.Length);

    /// <summary>Counts the hits and, when <paramref name="hits"/> is given, adds them (unsorted).</summary>
    internal int Scan(ReadOnlySpan<char> text, bool normalize, List<Hit>? hits)
    {
        var ringSize = _ringMask + 1;
        int[]? rented = null;
        var ring = ringSize <= 256 ? stackalloc int[ringSize] : (rented = ArrayPool<int>.Shared.Rent(ringSize));
        // Both tables have 65536 entries, so indexing by a char can never be out of range: the
        // unchecked reads drop two bounds checks from every step.
        ref var map = ref MemoryMarshal.GetArrayDataReference(Normalizer.Table);
        var mask = _ringMask;
        var count = 0;
        var state = 0;
        var n = 0;
        try
        {
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (normalize)
                {
                    c = Unsafe.Add(ref map, c);
                    if (c == TextNormalizer.Noise)
                    {
                        continue;
                    }
                }

                ring[n & mask] = i;
                n++;
                state = Next(state, c);
                var o = _states[state].Report;
                while (o != 0)
                {
                    for (var t = _firstTerm[o]; t >= 0; t = _nextTerm[t])
                    {
                        var start = ring[(n - _termLength[t]) & mask];
                        // A marking spread over more chars than it has crossed noise; if that noise holds
                        // a clause break, the context rule decides (rare: only on hits).
                        if (normalize && _clauseRule[t] && i - start + 1 > _termLength[t]
                            && ClauseContext.IsClauseBoundary(text, start, i, _norms[t], Normalizer.Table))
                        {
                            continue;
                        }

                        if (_telegramRule[t] && ClauseContext.IsPowerGeneration(text, i, Normalizer.Table))
                        {
                            continue;
                        }

                        // falungong, flg: a whole word, not letters inside a longer one (conflgx).
                        if (_wordEdges[t] != 0 && !ClauseContext.IsWholeWord(text, start, i, _wordEdges[t], Normalizer.Table))
                        {
                            continue;
                        }

                        count++;
                        if (hits is not null)
                        {
                            var term = _terms[t];
                            hits.Add(new Hit(start, i - start + 1, term.Text, term.Category, term.Level, _kinds[t]));
                        }
                    }

                    o = _nextReport[o];
                }
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<int>.Shared.Return(rented);
            }
        }

        return count;
    }

    /// <summary>The goto/failure walk: dense table at the root, sorted CSR slices elsewhere.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int Next(int state, char c)
    {
        var keys = _keys;
        while (state != 0)
        {
            ref readonly var s = ref _states[state];
            var lo = s.ChildStart;
            var hi = s.ChildEnd;
            // 1UL << c shifts by c mod 64: a clear bit proves no child is c.
            if ((s.ChildMask & (1UL << c)) != 0)
            {
                var k = hi - lo <= LinearSearchLimit
                    ? keys.AsSpan(lo, hi - lo).IndexOf(c)
                    : keys.AsSpan(lo, hi - lo).BinarySearch(c);
                if (k >= 0)
                {
                    return _targets[lo + k];
                }
            }

            state = s.Fail;
        }

        return Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_rootNext), c);
    }
}
