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
        // Trie. Root children live in a dense table; deeper edges in a hash keyed by (parent, char).
        var rootNext = new int[65536];
        var edges = new Dictionary<long, int>(norms.Length * 2);
        var parent = new List<int> { 0 };
        var edgeChar = new List<char> { '\0' };
        var terminalOf = new int[terms.Length];
        var maxLength = 0;
        for (var t = 0; t < norms.Length; t++)
        {
            var norm = norms[t];
            var state = 0;
            foreach (var c in norm)
            {
                int next;
                if (state == 0)
                {
                    next = rootNext[c];
                    if (next == 0)
                    {
                        next = rootNext[c] = parent.Count;
                        parent.Add(0);
                        edgeChar.Add(c);
                    }
                }
                else
                {
                    var key = ((long)state << 16) | c;
                    if (!edges.TryGetValue(key, out next))
                    {
                        next = parent.Count;
                        edges[key] = next;
                        parent.Add(state);
                        edgeChar.Add(c);
                    }
                }

                state = next;
            }

            terminalOf[t] = state;
            maxLength = Math.Max(maxLength, norm.Length);
        }

        var stateCount = parent.Count;

        // CSR children for non-root states, sorted by char for binary search.
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

        var keys = new char[edges.Count];
        var targets = new int[edges.Count];
        var fill = (int[])firstChild.Clone();
        for (var s = 1; s < stateCount; s++)
        {
            var p = parent[s];
            if (p != 0)
            {
                keys[fill[p]] = edgeChar[s];
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

        // Terms per state as linked lists; order is insertion order so results are stable.
        var firstTerm = new int[stateCount];
        Array.Fill(firstTerm, -1);
        var nextTerm = new int[terms.Length];
        for (var t = terms.Length - 1; t >= 0; t--)
        {
            nextTerm[t] = firstTerm[terminalOf[t]];
            firstTerm[terminalOf[t]] = t;
        }

        var states = new Automaton.State[stateCount];
        for (var s = 0; s < stateCount; s++)
        {
            states[s].ChildStart = firstChild[s];
            states[s].ChildEnd = firstChild[s + 1];
            for (var k = firstChild[s]; k < firstChild[s + 1]; k++)
            {
                states[s].ChildMask |= 1UL << keys[k];
            }
        }

        var nextReport = new int[stateCount];
        var engine = new Automaton(
            normalizer, terms, norms, kinds, maxLength,
            rootNext, states, keys, targets, nextReport, firstTerm, nextTerm);

        // Breadth-first so a state's failure target (shallower) is final before it is used.
        var queue = new Queue<int>();
        for (var c = 0; c < 65536; c++)
        {
            if (rootNext[c] != 0)
            {
                queue.Enqueue(rootNext[c]);
            }
        }

        while (queue.Count > 0)
        {
            var s = queue.Dequeue();
            var p = parent[s];
            // Next() reads the states being filled here; it only touches shallower ones, already final.
            var fail = p == 0 ? 0 : engine.Next(states[p].Fail, edgeChar[s]);
            states[s].Fail = fail;
            nextReport[s] = states[fail].Report;
            states[s].Report = firstTerm[s] >= 0 ? s : nextReport[s];
            for (var k = firstChild[s]; k < firstChild[s + 1]; k++)
            {
                queue.Enqueue(targets[k]);
            }
        }

        return engine;
    }
}
