using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace InfoPortal.Features.Screening.Engine;

/// <summary>
/// One compiled Aho-Corasick automaton of <see cref="ScreeningEngine"/>, laid out for CJK (ADR 0061).
/// Every char the terms use is a small class number; one 64K table per mode turns a text char into its
/// class with normalisation folded in (0: no term uses it, so the scan is back at the root;
/// <see cref="NoiseClass"/>: skipped). The root's transitions are a dense table by class, small enough
/// for the first-level cache. Every other state is 8 bytes: the base of its children in a double array
/// (its child with class c is in slot base + c, and the slot names its owner) and its failure link.
/// Almost every step misses at a state whose failure link is the root and takes the root's table, whose
/// answer does not depend on the state being left, so the processor runs ahead on the predicted miss.
/// States that end a term are numbered last, so "is there a hit here" is one comparison; the hit's start
/// is found then by counting term chars back from its end. Nothing is allocated per char.
/// </summary>
internal sealed class Automaton
{
    /// <summary>The class of a char that is noise for these terms (skipped, the state stays).</summary>
    internal const ushort NoiseClass = ushort.MaxValue;

    private const int MaxStartChars = 20;

    private readonly ushort[] _normalizedClass; // text char → class, through the normaliser (fold, noise)
    private readonly ushort[] _rawClass;        // text char → class of that very char (no fold, no noise)
    private readonly int[] _rootNext;           // class → state, 0 = stay at root
    private readonly SearchValues<char>[]? _normalizedStarts; // the chars that leave the root, when they are few
    private readonly SearchValues<char>[]? _rawStarts;
    private readonly SearchValues<char>? _triggers;     // the symbols every term holds (机密★'s ★), normalised mode
    private readonly int _maxLead;                      // term chars a hit can have before its symbol
    private readonly State[] _states;           // child base and failure link of each state
    private readonly Slot[] _slots;             // the double array: slot base + class → (owner state, child)
    private readonly int _firstOutput;          // states numbered from here on end a term or have a suffix that does
    private readonly int[] _report;             // state → itself if it ends a term, else nearest suffix state that does
    private readonly int[] _nextReport;         // state with output → next suffix state with output
    private readonly int[] _firstTerm;          // state → first term index ending here, −1 if none
    private readonly int[] _nextTerm;           // term → next term ending at the same state
    private readonly ScreeningTerm[] _terms;
    private readonly TermInfo[] _info;          // what a hit reads of its term, in one record

    /// <summary>
    /// What a hit needs of its term, together: with one array per field (or the term record behind a
    /// reference) each hit cost a cache miss per field on a large list.
    /// </summary>
    private readonly struct TermInfo(ScreeningTerm term, string norm, SoundVariant kind)
    {
        public readonly string Text = term.Text;
        public readonly string Category = term.Category;
        public readonly string Norm = norm;              // normalised text, for the clause rule
        public readonly int Length = norm.Length;        // normalised length
        public readonly ScreeningLevel Level = term.Level;
        public readonly SoundVariant Kind = kind;        // as written or a sound variant (ADR 0056)

        /// <summary>Secrecy markings: a hit across a clause break is checked by <see cref="ClauseContext"/>.</summary>
        public readonly bool ClauseRule = term.Category == BuiltInTerms.SecrecyMarkCategory;

        /// <summary>〈地名〉发电: not when the next word is about power generation (发电量, 发电厂).</summary>
        public readonly bool TelegramRule = term.Category == BuiltInTerms.SecrecyMarkCategory
            && term.Text.EndsWith(BuiltInTerms.TelegramSuffix, StringComparison.Ordinal);

        /// <summary>1: starts with a Latin letter, 2: ends with one — pinyin must not sit inside a longer word.</summary>
        public readonly byte WordEdges = kind is SoundVariant.Pinyin or SoundVariant.Initials
            ? (byte)((char.IsAsciiLetter(norm[0]) ? 1 : 0) | (char.IsAsciiLetter(norm[^1]) ? 2 : 0))
            : (byte)0;
    }

    /// <summary>What the scan reads of a state for a char, in 8 bytes.</summary>
    internal struct State
    {
        /// <summary>The child with class c, if any, is in slot Base + c (0 when the state has no children).</summary>
        public int Base;

        /// <summary>The failure link, or 0 when it is the root (then a miss reads the root's table).</summary>
        public int Fail;
    }

    /// <summary>A slot of the double array: the state that owns it (−1: free) and the child it leads to.</summary>
    internal struct Slot
    {
        public int Owner;
        public int Child;
    }

    internal Automaton(
        TextNormalizer normalizer, ScreeningTerm[] terms, string[] norms, SoundVariant[] kinds,
        ushort[] normalizedClass, ushort[] rawClass, int[] rootNext, State[] states, Slot[] slots,
        int firstOutput, int[] report, int[] nextReport, int[] firstTerm, int[] nextTerm)
    {
        Normalizer = normalizer;
        _terms = terms;
        _info = [.. terms.Select((term, t) => new TermInfo(term, norms[t], kinds[t]))];
        _normalizedClass = normalizedClass;
        _normalizedStarts = StartSearch(normalizedClass, rootNext);
        _rawStarts = StartSearch(rawClass, rootNext);
        _triggers = TriggerSearch(normalizer);
        _maxLead = norms.Length == 0 ? 0 : norms.Max(n => n.Length) - 1;
        _rawClass = rawClass;
        _rootNext = rootNext;
        _states = states;
        _slots = slots;
        _firstOutput = firstOutput;
        _report = report;
        _nextReport = nextReport;
        _firstTerm = firstTerm;
        _nextTerm = nextTerm;
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
        + (2L * (_normalizedClass.Length + _rawClass.Length))
        + (8L * _states.Length) + (8L * _slots.Length)
        + (4L * (_rootNext.Length + _report.Length + _nextReport.Length + _firstTerm.Length + _nextTerm.Length))
        + (48L * _terms.Length);

    /// <summary>Counts the hits and, when <paramref name="hits"/> is given, adds them (unsorted).</summary>
    internal int Scan(ReadOnlySpan<char> text, bool normalize, HitBuffer? hits)
    {
        var context = new ScanContext(text, normalize, hits);
        var triggers = normalize ? _triggers : null;
        var starts = triggers is not null ? null : normalize ? _normalizedStarts : _rawStarts;
        var jumps = triggers is not null || starts is not null;
        // Where each group of start chars next occurs (−1: not searched yet, int.MaxValue: nowhere).
        Span<int> nextStart = stackalloc int[starts?.Length ?? 0];
        nextStart.Fill(-1);
        var state = 0;
        var i = 0;
        while (i < text.Length)
        {
            // At the root, the symbol automaton jumps to the next window around a symbol, and a list whose
            // terms start with a few chars to the next of them, with vectorised searches.
            if (state == 0 && jumps)
            {
                i = triggers is not null ? NextWindow(text, i, triggers) : NextStart(text, i, starts!, nextStart);
                if (i == int.MaxValue)
                {
                    break;
                }
            }

            i = jumps
                ? Advance<StopAtRoot>(text, i, normalize, ref state)
                : Advance<RunThrough>(text, i, normalize, ref state);
            if (i >= text.Length)
            {
                break;
            }

            if (state >= _firstOutput)
            {
                Report(ref context, state, i);
                i++;
            }

            // Else back at the root past a char no term uses: search for the next start.
        }

        return context.Count;
    }

    /// <summary>
    /// The per-char loop: runs from <paramref name="i"/> until a char leads to a state with output and
    /// returns that char's index (the char consumed), or the text's length at the end. With
    /// <see cref="StopAtRoot"/> it also returns, past it, at a char no term uses, so the caller can jump
    /// to the next start char (the JIT compiles one loop per flag, without the test in the other). It
    /// calls nothing, so every value it keeps stays in a register: with the report as a call inside the
    /// loop the JIT kept them on the stack, and each char paid for it. Compiled fully optimised at once:
    /// a check runs a few times a minute, so tiered compilation would leave the loop in
    /// on-stack-replacement code for hours.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private int Advance<TStop>(ReadOnlySpan<char> text, int i, bool normalize, ref int stateRef)
        where TStop : struct, IRootStop
    {
        // The class tables have 65536 entries, so indexing by a char is never out of range; every class
        // below NoiseClass indexes the root table, every state number and failure link the state table,
        // and every base plus class the slot table (the builder makes them so): the unchecked reads drop
        // the bounds checks from every step.
        ref var classOf = ref MemoryMarshal.GetArrayDataReference(normalize ? _normalizedClass : _rawClass);
        ref var states = ref MemoryMarshal.GetArrayDataReference(_states);
        ref var slots = ref MemoryMarshal.GetArrayDataReference(_slots);
        ref var rootNext = ref MemoryMarshal.GetArrayDataReference(_rootNext);
        ref var text0 = ref MemoryMarshal.GetReference(text);
        var length = text.Length;
        var firstOutput = _firstOutput;
        var state = stateRef;
        for (; i < length; i++)
        {
            int t = Unsafe.Add(ref classOf, Unsafe.Add(ref text0, i));
            if (t == NoiseClass)
            {
                continue;
            }

            if (TStop.Stops && t == 0)
            {
                state = 0;
                i++;
                break;
            }

            // The goto/failure walk. The slot Base + t is this state's child when the slot names it as
            // owner; class 0 (no term uses the char) is nobody's child, and the root's table sends it
            // to the root. A miss at a state whose failure link is the root (almost every step) reads
            // the root's table, whose answer does not depend on this state: the processor predicts the
            // miss and runs on to the next char while the slot is still loading.
            while (true)
            {
                ref readonly var s = ref Unsafe.Add(ref states, state);
                ref readonly var slot = ref Unsafe.Add(ref slots, s.Base + t);
                if (slot.Owner == state)
                {
                    state = slot.Child;
                    break;
                }

                if (s.Fail == 0)
                {
                    state = Unsafe.Add(ref rootNext, t);
                    break;
                }

                state = s.Fail;
            }

            if (state >= firstOutput)
            {
                break;
            }
        }

        stateRef = state;
        return i;
    }

    /// <summary>Whether <see cref="Advance{TStop}"/> returns at a char no term uses.</summary>
    private interface IRootStop
    {
        static abstract bool Stops { get; }
    }

    private readonly struct StopAtRoot : IRootStop
    {
        public static bool Stops => true;
    }

    private readonly struct RunThrough : IRootStop
    {
        public static bool Stops => false;
    }

    /// <summary>
    /// The text chars whose class leaves the root, in groups of at most five, when there are at most
    /// <see cref="MaxStartChars"/> of them (traditional and full-width forms included); else null. A
    /// search for up to five chars compares vectors; for more CJK chars .NET falls back to a
    /// probabilistic map that Chinese text defeats (about one char a nanosecond, a fifth of the scan).
    /// </summary>
    private static SearchValues<char>[]? StartSearch(ushort[] classOf, int[] rootNext)
    {
        var starts = new List<char>();
        for (var c = 0; c < classOf.Length && starts.Count <= MaxStartChars; c++)
        {
            if (classOf[c] is not (0 or NoiseClass) && rootNext[classOf[c]] != 0)
            {
                starts.Add((char)c);
            }
        }

        return starts.Count <= MaxStartChars ? [.. starts.Chunk(5).Select(group => SearchValues.Create(group))] : null;
    }

    /// <summary>
    /// The chars that fold onto a symbol these terms keep (★, ．→ .), when they keep any: the symbol
    /// automaton's terms each hold one (the builder puts a term there because it does), so no hit can
    /// lie where none of these chars is. Null for the plain automaton, whose normaliser keeps no symbol.
    /// </summary>
    private static SearchValues<char>? TriggerSearch(TextNormalizer normalizer)
    {
        var table = normalizer.Table;
        var triggers = new List<char>();
        for (var c = 0; c < 65536; c++)
        {
            if (table[c] != TextNormalizer.Noise && TextNormalizer.IsSoftNoise(table[c]))
            {
                triggers.Add((char)c);
            }
        }

        return triggers.Count == 0 ? null : SearchValues.Create([.. triggers]);
    }

    /// <summary>
    /// Where a scan at the root must go on from <paramref name="i"/> (normalised mode of the symbol
    /// automaton), or int.MaxValue: a hit holds a symbol, so it starts at most <see cref="_maxLead"/>
    /// term chars (and the noise between) before the next symbol in the text, and never before a char
    /// no term uses. From there the scan runs, at the root, exactly as one from the text's start would.
    /// Real prose holds a ★ seldom: on the benchmark's text the marking automaton took a fifth of the
    /// scan when it stopped at every 机, 绝 and 秘 instead.
    /// </summary>
    private int NextWindow(ReadOnlySpan<char> text, int i, SearchValues<char> triggers)
    {
        var k = text[i..].IndexOfAny(triggers);
        if (k < 0)
        {
            return int.MaxValue;
        }

        var classOf = _normalizedClass;
        var start = i + k;
        for (var lead = 0; start > i && lead < _maxLead;)
        {
            var c = classOf[text[start - 1]];
            if (c == 0)
            {
                break;
            }

            start--;
            if (c != NoiseClass)
            {
                lead++;
            }
        }

        return start;
    }

    /// <summary>The index of the first start char at or after <paramref name="i"/>, or int.MaxValue; each group's next occurrence is remembered.</summary>
    private static int NextStart(ReadOnlySpan<char> text, int i, SearchValues<char>[] starts, Span<int> next)
    {
        var first = int.MaxValue;
        for (var g = 0; g < starts.Length; g++)
        {
            if (next[g] < i)
            {
                var k = text[i..].IndexOfAny(starts[g]);
                next[g] = k < 0 ? int.MaxValue : i + k;
            }

            first = Math.Min(first, next[g]);
        }

        return first;
    }

    /// <summary>What a hit needs besides the state and position; kept out of the loop's registers.</summary>
    private ref struct ScanContext(ReadOnlySpan<char> text, bool normalize, HitBuffer? hits)
    {
        public readonly ReadOnlySpan<char> Text = text;
        public readonly bool Normalize = normalize;
        public readonly HitBuffer? Hits = hits;
        public int Count;
    }

    /// <summary>
    /// The hits that end at char <paramref name="i"/> in <paramref name="state"/> (rare: out of the loop).
    /// A hit's start is its term's length in term chars back from its end, skipping the noise between.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private void Report(ref ScanContext context, int state, int i)
    {
        var text = context.Text;
        var normalize = context.Normalize;
        for (var o = _report[state]; o != 0; o = _nextReport[o])
        {
            for (var t = _firstTerm[o]; t >= 0; t = _nextTerm[t])
            {
                ref readonly var term = ref _info[t];
                var start = normalize ? StartOf(text, i, term.Length) : i - term.Length + 1;
                // A marking spread over more chars than it has crossed noise; if that noise holds
                // a clause break, the context rule decides (rare: only on hits).
                if (normalize && term.ClauseRule && i - start + 1 > term.Length
                    && ClauseContext.IsClauseBoundary(text, start, i, term.Norm, Normalizer.Table))
                {
                    continue;
                }

                if (term.TelegramRule && ClauseContext.IsPowerGeneration(text, i, Normalizer.Table))
                {
                    continue;
                }

                // falungong, flg: a whole word, not letters inside a longer one (conflgx).
                if (term.WordEdges != 0 && !ClauseContext.IsWholeWord(text, start, i, term.WordEdges, Normalizer.Table))
                {
                    continue;
                }

                context.Count++;
                context.Hits?.Add(new Hit(start, i - start + 1, term.Text, term.Category, term.Level, term.Kind));
            }
        }
    }

    /// <summary>The index of the first of the last <paramref name="length"/> non-noise chars ending at <paramref name="end"/>.</summary>
    private int StartOf(ReadOnlySpan<char> text, int end, int length)
    {
        var classOf = _normalizedClass;
        var start = end;
        for (var kept = 1; kept < length; kept++)
        {
            do
            {
                start--;
            }
            while (classOf[text[start]] == NoiseClass);
        }

        return start;
    }
}
