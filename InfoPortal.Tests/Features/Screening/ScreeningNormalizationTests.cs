using InfoPortal.Features.Screening.Engine;

namespace InfoPortal.Tests.Features.Screening;

/// <summary>Each normalisation rule with an example, checked through the built-in secrecy list.</summary>
public sealed class ScreeningNormalizationTests
{
    private static readonly ScreeningEngine BuiltIn = ScreeningEngine.Compile(BuiltInTerms.All);

    private static Hit Single(string text, string term) =>
        Assert.Single(BuiltIn.Find(text), h => h.Term == term);

    [Fact]
    public void Full_width_ascii_becomes_half_width_and_lower_case()
    {
        var normalizer = new TextNormalizer([]);

        Assert.Equal("mi", normalizer.Normalize("ｍｉ").Text);
        // ！ folds to !, which is noise unless a term uses it.
        Assert.Equal("abc", normalizer.Normalize("ＡBｃ！").Text);
        Assert.Equal("abc!", new TextNormalizer("!").Normalize("ＡBｃ！").Text);

        var engine = ScreeningEngine.Compile([new ScreeningTerm("MI", "Test", ScreeningLevel.Warn)]);
        var hit = Assert.Single(engine.Find("x ｍｉ"));
        Assert.Equal((2, 2, "MI"), (hit.Start, hit.Length, hit.Term));
    }

    [Fact]
    public void Ideographic_space_is_noise_between_term_chars()
    {
        var hit = Single("见内\u3000部资料", "内部资料");
        Assert.Equal((1, 5), (hit.Start, hit.Length));
    }

    [Fact]
    public void Traditional_characters_match_the_simplified_term_at_the_original_position()
    {
        var hit = Single("本文件屬機密。", "机密");
        Assert.Equal((4, 2), (hit.Start, hit.Length));

        Assert.Contains(BuiltIn.Find("絕密"), h => h.Term == "绝密");
        Assert.Contains(BuiltIn.Find("絶密"), h => h.Term == "绝密");
        Assert.Contains(BuiltIn.Find("內部資料"), h => h.Term == "内部资料");
        Assert.Contains(BuiltIn.Find("密碼電報"), h => h.Term == "密码电报");
        Assert.Contains(BuiltIn.Find("內部參閱"), h => h.Term == "内部参阅");
        Assert.Contains(BuiltIn.Find("不宜公開"), h => h.Term == "不宜公开");
    }

    [Theory]
    [InlineData("机 密")]
    [InlineData("机*密")]
    [InlineData("机·密")]
    [InlineData("机\u200B密")]
    [InlineData("机\u200C\u200D密")]
    [InlineData("机\uFEFF密")]
    [InlineData("机\u2060密")]
    [InlineData("机•密")]
    [InlineData("机・密")]
    [InlineData("机_密")]
    [InlineData("机-~-密")]
    [InlineData("机，密")]
    [InlineData("机\r\n密")]
    public void Noise_inside_a_term_is_skipped_and_included_in_the_span(string noisy)
    {
        var hit = Single("前" + noisy + "后", "机密");
        Assert.Equal((1, noisy.Length), (hit.Start, hit.Length));
        Assert.Equal(ScreeningLevel.Block, hit.Level);
        Assert.Equal(BuiltInTerms.SecrecyMarkCategory, hit.Category);
    }

    [Fact]
    public void Spaced_marking_spans_the_whole_original_range_and_nests_the_shorter_hit()
    {
        var hits = BuiltIn.Find("请看 绝 密 级 。");

        Assert.Equal(
            [(3, 5, "绝密级"), (3, 3, "绝密")],
            hits.Select(h => (h.Start, h.Length, h.Term)).ToArray());
    }

    [Fact]
    public void A_symbol_used_by_a_term_is_not_noise()
    {
        var hit = Single("秘密 ★ 文件", "秘密★");
        Assert.Equal((0, 4), (hit.Start, hit.Length));

        // ★ belongs to 秘密★, where it matches literally; between the characters of every other term
        // it is noise (issue 15: 中★国★人 is a disguise, and a symbol one term uses must not switch
        // skipping off for the rest). This assertion used to say the opposite.
        Assert.Contains(BuiltIn.Find("机★密"), h => h.Term == "机密");
        Assert.DoesNotContain(BuiltIn.Find("机★密"), h => h.Term == "机密★");

        // In a list without ★ it is noise like any symbol.
        var plain = ScreeningEngine.Compile([new ScreeningTerm("机密", "X", ScreeningLevel.Warn)]);
        Assert.Single(plain.Find("机★密"));
    }

    [Fact]
    public void Spaced_and_unspaced_variants_compile_to_one_term_keeping_the_stricter_level()
    {
        var engine = ScreeningEngine.Compile(
        [
            new ScreeningTerm("秘密 ★", "X", ScreeningLevel.Warn),
            new ScreeningTerm("秘密★", "X", ScreeningLevel.Block),
        ]);

        var hit = Assert.Single(engine.Find("秘密★"));
        Assert.Equal(ScreeningLevel.Block, hit.Level);
        Assert.Equal(1, engine.TermCount);
    }

    [Fact]
    public void Hits_are_ordered_by_start_then_longer_first_with_overlaps()
    {
        var hits = BuiltIn.Find("内部资料，绝密级");

        Assert.Equal(
            [(0, 4, "内部资料"), (5, 3, "绝密级"), (5, 2, "绝密")],
            hits.Select(h => (h.Start, h.Length, h.Term)).ToArray());
    }

    [Fact]
    public void Normalize_reports_original_indices_for_each_kept_char()
    {
        var normalizer = BuiltIn.Normalizer;
        var (text, index) = normalizer.Normalize("機 密\u200B！");

        Assert.Equal("机密", text);
        Assert.Equal([0, 2], index);
    }

    [Fact]
    public void Clean_text_has_no_hits_and_the_variant_table_is_broad()
    {
        Assert.Empty(BuiltIn.Find("今天天气很好，欢迎访问门户网站。"));
        Assert.Empty(BuiltIn.Find(""));
        Assert.True(BuiltIn.MemoryBytes > 0);
        Assert.Equal('机', TextNormalizer.Fold('機'));
        Assert.Equal('国', TextNormalizer.Fold('國'));
    }

    [Fact]
    public void Holder_swaps_atomically_and_returns_the_previous_list()
    {
        var first = ScreeningEngine.Compile(BuiltInTerms.All);
        var holder = new ScreeningEngineHolder(first);
        Assert.Empty(holder.Current.Find("敏感词"));

        var second = ScreeningEngine.Compile([new ScreeningTerm("敏感词", "Sensitive", ScreeningLevel.Warn)]);
        Assert.Same(first, holder.Swap(second));
        Assert.Same(second, holder.Current);
        Assert.Single(holder.Current.Find("敏感词"));
    }
}
