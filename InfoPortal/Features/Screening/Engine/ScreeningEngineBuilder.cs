namespace InfoPortal.Features.Screening.Engine;

/// <summary>Compiles terms into the arrays of <see cref="ScreeningEngine"/>. Build-time only; not on the hot path.</summary>
internal static class ScreeningEngineBuilder
{
    public static ScreeningEngine Build(IEnumerable<ScreeningTerm> source)
    {
        var (terms, norms, kinds) = Distinct(source);
        var plain = new List<int>();
        var symbols = new List<int>();
        for (var t = 0; t < norms.Count; t++)
        {
            (norms[t].Any(TextNormalizer.IsSoftNoise) ? symbols : plain).Add(t);
        }

        var symbolChars = symbols.SelectMany(t => norms[t]).Where(TextNormalizer.IsSoftNoise);
        return new ScreeningEngine(
            BuildAutomaton([.. plain.Select(t => terms[t])], [.. plain.Select(t => norms[t])], [.. plain.Select(t => kinds[t])], new TextNormalizer([])),
            symbols.Count == 0 ? null
                : BuildAutomaton([.. symbols.Select(t => terms[t])], [.. symbols.Select(t => norms[t])], [.. symbols.Select(t => kinds[t])], new TextNormalizer(symbolChars)));
    }

    private static (List<ScreeningTerm> Terms, List<string> Norms, List<SoundVariant> Kinds) Distinct(IEnumerable<ScreeningTerm> source)
    {
        ArgumentNullException.ThrowIfNull(source);

        // Normalise and deduplicate: the same text in one category is one term (the stricter level wins),
        // otherwise 秘密 ★ and 秘密★ would report twice.
        var byKey = new Dictionary<(string Norm, string Category), int>();
        var terms = new List<ScreeningTerm>();
        var norms = new List<string>();
        var kinds = new List<SoundVariant>();
        foreach (var term in source)
        {
            ArgumentNullException.ThrowIfNull(term);
            var norm = TextNormalizer.NormalizeTerm(term.Text);
            if (norm.Length == 0)
            {
                continue;
            }

            if (byKey.TryGetValue((norm, term.Category), out var existing))
            {
                if (term.Level > terms[existing].Level)
                {
                    terms[existing] = terms[existing] with { Level = term.Level };
                }

                terms[existing] = terms[existing] with { Variants = terms[existing].Variants | term.Variants };
                continue;
            }

            byKey[(norm, term.Category)] = terms.Count;
            terms.Add(term);
            norms.Add(norm);
            kinds.Add(SoundVariant.None);
        }

        // Sound variants after every written term, so a form that some entry spells out is matched as
        // written (its own level) and never reported as a variant of another (ADR 0056). A variant is a
        // warning whatever the entry's level: the reader decides whether 发轮功 meant the entry.
        var written = terms.Count;
        for (var t = 0; t < written && terms.Count - written < SoundAlike.MaxForms; t++)
        {
            if (terms[t].Variants == TermVariants.None)
            {
                continue;
            }

            var variant = terms[t] with { Level = ScreeningLevel.Warn, Variants = TermVariants.None };
            foreach (var (form, kind) in SoundAlike.Expand(norms[t], terms[t].Variants))
            {
                var norm = TextNormalizer.NormalizeTerm(form);
                if (byKey.TryAdd((norm, variant.Category), terms.Count))
                {
                    terms.Add(variant);
                    norms.Add(norm);
                    kinds.Add(kind);
                }
            }
        }

        return (terms, norms, kinds);
    }

    private static Automaton BuildAutomaton(ScreeningTerm[] terms, string[] norms, SoundVariant[] kinds, TextNormalizer normalizer)
    {
        // Classes: every char the terms use, numbered from 1 in order of first use (0: no term uses it).
        var classOf = new ushort[65536];
        var classCount = 1;
        foreach (var c in norms.SelectMany(n => n))
        {
            if (classOf[c] == 0)
            {
                if (classCount == Automaton.NoiseClass)
                {
                    throw new InvalidOperationException("The terms use more distinct characters than the automaton can number.");
                }

                classOf[c] = (ushort)classCount++;
            }
        }

        // Trie over classes. Root children live in a dense table; deeper edges in a hash keyed by (parent, class).
        var rootNext = new int[classCount];
        var edges = new Dictionary<long, int>(norms.Length * 2);
        var parent = new List<int> { 0 };
        var edgeClass = new List<ushort> { 0 };
        var terminalOf = new int[terms.Length];
        for (var t = 0; t < norms.Length; t++)
        {
            var state = 0;
            foreach (var c in norms[t])
            {
                var k = classOf[c];
                int next;
                if (state == 0)
                {
                    next = rootNext[k];
                    if (next == 0)
                    {
                        next = rootNext[k] = parent.Count;
                        parent.Add(0);
                        edgeClass.Add(k);
                    }
                }
                else if (!edges.TryGetValue(((long)state << 16) | k, out next))
                {
                    next = parent.Count;
                    edges[((long)state << 16) | k] = next;
                    parent.Add(state);
                    edgeClass.Add(k);
                }

                state = next;
            }

            terminalOf[t] = state;
        }

        var stateCount = parent.Count;

        // CSR children for non-root states, sorted by class for binary search.
        var firstChild = new int[stateCount + 1];
        for (var s = 1; s < stateCount; s++)
        {
            if (parent[s] != 0)
            {
                firstChild[parent[s] + 1]++;
            }
        }

        for (var s = 0; s < stateCount; s++)
        {
            firstChild[s + 1] += firstChild[s];
        }

        var keys = new ushort[edges.Count];
        var targets = new int[edges.Count];
        var fill = (int[])firstChild.Clone();
        for (var s = 1; s < stateCount; s++)
        {
            var p = parent[s];
            if (p != 0)
            {
                keys[fill[p]] = edgeClass[s];
                targets[fill[p]] = s;
                fill[p]++;
            }
        }

        for (var s = 0; s < stateCount; s++)
        {
            var len = firstChild[s + 1] - firstChild[s];
            if (len > 1)
            {
                Array.Sort(keys, targets, firstChild[s], len);
            }
        }

        int Goto(int s, ushort k)
        {
            if (s == 0)
            {
                return rootNext[k];
            }

            var i = Array.BinarySearch(keys, firstChild[s], firstChild[s + 1] - firstChild[s], k);
            return i >= 0 ? targets[i] : -1;
        }

        // Terms per state as linked lists; order is insertion order so results are stable.
        var firstTerm = new int[stateCount];
        Array.Fill(firstTerm, -1);
        var nextTerm = new int[terms.Length];
        for (var t = terms.Length - 1; t >= 0; t--)
        {
            nextTerm[t] = firstTerm[terminalOf[t]];
            firstTerm[terminalOf[t]] = t;
        }

        // Failure and output links, breadth-first so a state's failure target (shallower) is final before it is used.
        var fail = new int[stateCount];
        var report = new int[stateCount];
        var nextReport = new int[stateCount];
        var order = new List<int>(stateCount) { 0 };
        for (var head = 0; head < order.Count; head++)
        {
            var s = order[head];
            if (s != 0 && parent[s] != 0)
            {
                var k = edgeClass[s];
                var f = fail[parent[s]];
                int g;
                while ((g = Goto(f, k)) < 0)
                {
                    f = fail[f];
                }

                fail[s] = g;
            }

            if (s != 0)
            {
                nextReport[s] = report[fail[s]];
                report[s] = firstTerm[s] >= 0 ? s : nextReport[s];
            }

            if (s == 0)
            {
                order.AddRange(rootNext.Where(r => r != 0));
            }
            else
            {
                order.AddRange(targets.AsSpan(firstChild[s], firstChild[s + 1] - firstChild[s]).ToArray());
            }
        }

        // Number the states breadth-first, those without output first: the scan asks "is there a hit"
        // with one comparison, and the shallow states it visits most sit together at the front.
        var renumber = new int[stateCount];
        var number = 0;
        foreach (var s in order.Where(s => report[s] == 0))
        {
            renumber[s] = number++;
        }

        var firstOutput = number;
        foreach (var s in order.Where(s => report[s] != 0))
        {
            renumber[s] = number++;
        }

        var states = new Automaton.State[stateCount];
        var newReport = new int[stateCount];
        var newNextReport = new int[stateCount];
        var newFirstTerm = new int[stateCount];
        for (var s = 0; s < stateCount; s++)
        {
            var r = renumber[s];
            states[r].Fail = renumber[fail[s]];
            newReport[r] = report[s] == 0 ? 0 : renumber[report[s]];
            newNextReport[r] = nextReport[s] == 0 ? 0 : renumber[nextReport[s]];
            newFirstTerm[r] = firstTerm[s];
        }

        var slots = PlaceChildren(stateCount, classCount, firstChild, keys, targets, renumber, states);
        for (var k = 1; k < classCount; k++)
        {
            rootNext[k] = renumber[rootNext[k]];
        }

        var normalizedClass = new ushort[65536];
        var rawClass = new ushort[65536];
        var map = normalizer.Table;
        for (var c = 0; c < 65536; c++)
        {
            normalizedClass[c] = map[c] == TextNormalizer.Noise ? Automaton.NoiseClass : classOf[map[c]];
            rawClass[c] = classOf[c];
        }

        return new Automaton(
            normalizer, terms, norms, kinds,
            normalizedClass, rawClass, rootNext, states, slots,
            firstOutput, newReport, newNextReport, newFirstTerm, nextTerm);
    }

    /// <summary>
    /// Lays the children of every non-root state out in one double array: a state's child with class c
    /// sits in slot Base + c, and the slot names its owner so a lookup can tell its own child from a
    /// neighbour's. States with the most children are placed first, while the array is still sparse;
    /// each takes the first base whose slots are all free. Candidates are only free slots, found through
    /// a "next free slot" forest with path compression, so a list of tens of thousands of terms is placed
    /// in milliseconds. The array ends with as many spare slots as there are classes, so base + class is
    /// always inside it.
    /// </summary>
    private static Automaton.Slot[] PlaceChildren(
        int stateCount, int classCount, int[] firstChild, ushort[] keys, int[] targets, int[] renumber, Automaton.State[] states)
    {
        var owner = new int[Math.Max(16, (keys.Length * 2) + (2 * classCount))];
        var child = new int[owner.Length];
        var nextFree = new int[owner.Length + 1]; // p itself when free, else a later slot to ask
        Array.Fill(owner, -1);
        for (var p = 0; p < nextFree.Length; p++)
        {
            nextFree[p] = p;
        }

        var used = 1;
        void Grow(int length)
        {
            if (length <= owner.Length)
            {
                return;
            }

            var size = Math.Max(length, owner.Length * 2);
            var old = owner.Length;
            Array.Resize(ref owner, size);
            Array.Resize(ref child, size);
            Array.Resize(ref nextFree, size + 1);
            owner.AsSpan(old).Fill(-1);
            for (var p = old + 1; p <= size; p++)
            {
                nextFree[p] = p;
            }
        }

        int FindFree(int p)
        {
            var root = p;
            while (nextFree[root] != root)
            {
                root = nextFree[root];
            }

            while (nextFree[p] != root)
            {
                (nextFree[p], p) = (root, nextFree[p]);
            }

            return root;
        }

        var byFanOut = Enumerable.Range(1, stateCount - 1)
            .Where(s => firstChild[s + 1] > firstChild[s])
            .OrderByDescending(s => firstChild[s + 1] - firstChild[s])
            .ThenBy(s => s);
        var resumeAt = new Dictionary<int, int>(); // fan-out → where the last state of that fan-out was placed
        foreach (var s in byFanOut)
        {
            int lo = firstChild[s], hi = firstChild[s + 1];
            var smallest = keys[lo];
            int position = Math.Max(smallest, resumeAt.GetValueOrDefault(hi - lo));
            while (true)
            {
                Grow(position + classCount + 1);
                position = FindFree(position);
                Grow(position + classCount + 1);
                var @base = position - smallest;
                var fits = true;
                for (var k = lo + 1; k < hi && fits; k++)
                {
                    fits = owner[@base + keys[k]] == -1;
                }

                if (fits)
                {
                    break;
                }

                position++;
            }

            resumeAt[hi - lo] = position;
            var b = position - smallest;
            ref var state = ref states[renumber[s]];
            state.Base = b;
            for (var k = lo; k < hi; k++)
            {
                owner[b + keys[k]] = renumber[s];
                child[b + keys[k]] = renumber[targets[k]];
                nextFree[b + keys[k]] = b + keys[k] + 1;
                used = Math.Max(used, b + keys[k] + 1);
            }
        }

        var slots = new Automaton.Slot[used + classCount];
        for (var i = 0; i < slots.Length; i++)
        {
            slots[i] = new Automaton.Slot { Owner = i < owner.Length ? owner[i] : -1, Child = i < child.Length ? child[i] : 0 };
        }

        return slots;
    }
}
