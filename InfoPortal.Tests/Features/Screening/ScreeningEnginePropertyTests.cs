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
