using CsCheck;
using InfoPortal.Features.Screening.Engine;

namespace InfoPortal.Tests.Features.Screening;

/// <summary>
/// The automaton against a naive matcher on random inputs: small CJK alphabets make terms that are
/// prefixes, suffixes and overlaps of each other; noise, traditional and full-width forms are mixed
/// into the text. Same hits, same original positions, same order.
/// </summary>
public sealed class ScreeningEnginePropertyTests
{
    private const string Alphabet = "机密内部资料绝秘";

    // Indices past the alphabet pick these: noise, plus forms that fold onto alphabet chars.
    private static readonly string[] Extras = [" ", "·", "*", "\u200B", "，", "\u3000", "-", "\uFEFF", "機", "內", "資", "A", "ａ"];

    public sealed record Case(string[] Terms, string Text);

    private static readonly Gen<Case> Cases =
        from alphabetSize in Gen.Int[1, Alphabet.Length]
        from terms in Gen.Int[0, alphabetSize - 1].Array[1, 5].Array[1, 10]
        from text in Gen.Int[0, alphabetSize + Extras.Length - 1].Array[0, 80]
        select new Case(
            terms.Select(t => new string(t.Select(i => Alphabet[i]).ToArray())).ToArray(),
            string.Concat(text.Select(i => i < alphabetSize ? Alphabet[i].ToString() : Extras[i - alphabetSize])));

    [Fact]
    public void Automaton_finds_exactly_what_the_naive_matcher_finds()
    {
        Cases.Sample(c =>
        {
            var terms = c.Terms.Select((t, i) => new ScreeningTerm(t, i % 2 == 0 ? "A" : "B", ScreeningLevel.Warn));
            var engine = ScreeningEngine.Compile(terms);

            var expected = Naive(engine, terms.ToArray(), c.Text);
            var actual = engine.Find(c.Text);

            Assert.Equal(expected, actual);
            Assert.Equal(expected.Count, engine.Count(c.Text, normalize: true));
        }, iter: 2000, print: c => $"terms=[{string.Join(",", c.Terms)}] text=\"{c.Text}\"");
    }

    // ADR 0061: the children of all states share one double array, and a lookup tells a state's own
    // child from a neighbour's by the slot's owner. Small alphabets never crowd it; these lists do: up to
    // 3,000 terms over 40–400 chars, so hundreds of states with many children interleave their slots.
    private static readonly Gen<(string[] Terms, string Text)> WideCases =
        from alphabetSize in Gen.Int[40, 400]
        from terms in Gen.Int[0, alphabetSize - 1].Array[1, 6].Array[200, 3000]
        from text in Gen.Int[0, alphabetSize + 2].Array[500, 3000]
        select (
            terms.Select(t => new string(t.Select(i => (char)(0x4E00 + (i * 7))).ToArray())).ToArray(),
            new string(text.Select(i => i < alphabetSize ? (char)(0x4E00 + (i * 7)) : " A·"[i - alphabetSize]).ToArray()));

    [Fact]
    public void Crowded_double_array_finds_exactly_what_the_naive_matcher_finds()
    {
        WideCases.Sample(c =>
        {
            var terms = c.Terms.Select((t, i) => new ScreeningTerm(t, i % 3 == 0 ? "A" : "B", ScreeningLevel.Warn)).ToArray();
            var engine = ScreeningEngine.Compile(terms);

            var expected = Naive(engine, terms, c.Text);
            Assert.Equal(expected, engine.Find(c.Text));
            Assert.Equal(expected.Count, engine.Count(c.Text, normalize: true));
        }, iter: 40, print: c => $"{c.Terms.Length} terms, text of {c.Text.Length}");
    }

    // A hostile list that uses every UTF-16 code unit, alone and after ★ (so both automata see them all):
    // class numbers are 16-bit, and always-noise chars (spaces, controls, zero-width) never get one, so
    // they cannot run out; the list compiles and still finds what it holds.
    [Fact]
    public void A_list_of_every_char_compiles_and_matches()
    {
        var every = Enumerable.Range(0, 65536).Select(c => ((char)c).ToString()).ToArray();
        var terms = every.Select(c => new ScreeningTerm(c, "A", ScreeningLevel.Warn))
            .Concat(every.Select(c => new ScreeningTerm("★" + c, "B", ScreeningLevel.Warn)))
            .ToArray();

        var engine = ScreeningEngine.Compile(terms);

        Assert.Contains(engine.Find("文件"), h => h.Term == "文" && h.Start == 0);
        Assert.Contains(engine.Find("★件"), h => h.Term == "★件" && h.Length == 2);
    }

    [Fact]
    public void Without_normalisation_matches_raw_text_only()
    {
        Cases.Sample(c =>
        {
            var terms = c.Terms.Select(t => new ScreeningTerm(t, "A", ScreeningLevel.Block)).ToArray();
            var engine = ScreeningEngine.Compile(terms);
            var distinct = terms.DistinctBy(t => t.Text).ToArray();

            var expected = new List<Hit>();
            for (var p = 0; p < c.Text.Length; p++)
            {
                expected.AddRange(distinct
                    .Where(t => c.Text.AsSpan(p).StartsWith(t.Text, StringComparison.Ordinal))
                    .Select(t => new Hit(p, t.Text.Length, t.Text, t.Category, t.Level)));
            }

            Assert.Equal(Order(expected), engine.Find(c.Text, normalize: false));
        }, iter: 500);
    }

    // Issue 15: terms may contain symbols; the text mixes in symbols, clause breaks, emoji and
    // variation selectors; categories switch the clause-context rule on (SecrecyMark) or off.
    private const string MixedAlphabet = "机密内部有门绝";
    private static readonly string[] Symbols = [".", "★", "，", "、", "-"];
    private static readonly string[] TextExtras = [".", "★", "，", "、", "。", "\n", "-", " ", "😀", "\uFE0F", "✿", "機"];

    private static readonly Gen<(string Text, string Category)[]> MixedTerms =
        Gen.Select(
            Gen.Int[0, MixedAlphabet.Length + Symbols.Length - 1].Array[1, 4],
            Gen.Bool,
            (chars, secrecy) => (string.Concat(chars.Select(i => i < MixedAlphabet.Length ? MixedAlphabet[i].ToString() : Symbols[i - MixedAlphabet.Length])),
                secrecy ? BuiltInTerms.SecrecyMarkCategory : "Sensitive"))
        .Array[1, 8];

    private static readonly Gen<string> MixedText =
        Gen.Int[0, MixedAlphabet.Length + TextExtras.Length - 1].Array[0, 60]
            .Select(a => string.Concat(a.Select(i => i < MixedAlphabet.Length ? MixedAlphabet[i].ToString() : TextExtras[i - MixedAlphabet.Length])));

    [Fact]
    public void Per_term_noise_and_the_clause_rule_match_a_naive_matcher_term_by_term()
    {
        Gen.Select(MixedTerms, MixedText).Sample((terms, text) =>
        {
            var list = terms.Where(t => TextNormalizer.NormalizeTerm(t.Text).Length > 0)
                .Select(t => new ScreeningTerm(t.Text, t.Category, ScreeningLevel.Block)).ToArray();
            var engine = ScreeningEngine.Compile(list);

            var expected = NaivePerTerm(list, text);

            Assert.Equal(expected, engine.Find(text));
            Assert.Equal(expected.Count, engine.Count(text, normalize: true));
        }, iter: 1000, print: t => $"terms=[{string.Join(",", t.Item1.Select(x => x.Text + "/" + x.Category))}] text=\"{t.Item2}\"");
    }

    /// <summary>
    /// The rule written term by term: a term without symbols is looked for in the text with every
    /// symbol, punctuation mark and emoji removed; a term with symbols in the text with only the
    /// symbols no symbol-bearing term uses removed. A secrecy marking spread across a clause break
    /// is then checked by the context rule.
    /// </summary>
    private static List<Hit> NaivePerTerm(ScreeningTerm[] terms, string text)
    {
        var norms = terms.Select(t => (Term: t, Norm: TextNormalizer.NormalizeTerm(t.Text))).DistinctBy(x => (x.Norm, x.Term.Category)).ToArray();
        var symbolChars = norms.Where(x => x.Norm.Any(TextNormalizer.IsSoftNoise)).SelectMany(x => x.Norm).Where(TextNormalizer.IsSoftNoise).ToHashSet();
        char[] MapFor(bool hasSymbols)
        {
            var map = new char[65536];
            for (var c = 0; c < 65536; c++)
            {
                var skip = TextNormalizer.IsAlwaysNoise((char)c)
                    || (TextNormalizer.IsSoftNoise((char)c) && !(hasSymbols && symbolChars.Contains(TextNormalizer.Fold((char)c))));
                map[c] = skip ? TextNormalizer.Noise : TextNormalizer.Fold((char)c);
            }

            return map;
        }

        var plainMap = MapFor(hasSymbols: false);
        var symbolMap = MapFor(hasSymbols: true);
        var hits = new List<Hit>();
        foreach (var (term, norm) in norms)
        {
            var map = norm.Any(TextNormalizer.IsSoftNoise) ? symbolMap : plainMap;
            var kept = new List<(char C, int At)>();
            for (var i = 0; i < text.Length; i++)
            {
                if (map[text[i]] != TextNormalizer.Noise)
                {
                    kept.Add((map[text[i]], i));
                }
            }

            for (var p = 0; p + norm.Length <= kept.Count; p++)
            {
                if (Enumerable.Range(0, norm.Length).All(k => kept[p + k].C == norm[k]))
                {
                    var start = kept[p].At;
                    var end = kept[p + norm.Length - 1].At;
                    if (term.Category == BuiltInTerms.SecrecyMarkCategory && ClauseContext.IsClauseBoundary(text, start, end, norm, map))
                    {
                        continue;
                    }

                    hits.Add(new Hit(start, end - start + 1, term.Text, term.Category, term.Level));
                }
            }
        }

        return Order(hits);
    }

    /// <summary>For every normalised position, try every (distinct) term.</summary>
    private static List<Hit> Naive(ScreeningEngine engine, ScreeningTerm[] terms, string text)
    {
        var (normalized, originalIndex) = engine.Normalizer.Normalize(text);
        var distinct = terms
            .Select(t => (Term: t, Norm: TextNormalizer.NormalizeTerm(t.Text)))
            .DistinctBy(x => (x.Norm, x.Term.Category))
            .ToArray();
        var hits = new List<Hit>();
        for (var p = 0; p < normalized.Length; p++)
        {
            foreach (var (term, norm) in distinct)
            {
                if (normalized.AsSpan(p).StartsWith(norm, StringComparison.Ordinal))
                {
                    var start = originalIndex[p];
                    var end = originalIndex[p + norm.Length - 1];
                    hits.Add(new Hit(start, end - start + 1, term.Text, term.Category, term.Level));
                }
            }
        }

        return Order(hits);
    }

    private static List<Hit> Order(IEnumerable<Hit> hits) =>
        hits.OrderBy(h => h.Start).ThenByDescending(h => h.Length)
            .ThenBy(h => h.Term, StringComparer.Ordinal).ThenBy(h => h.Category, StringComparer.Ordinal)
            .ToList();
}
