using InfoPortal.Features.Screening.Engine;

namespace InfoPortal.Tests.Features.Screening;

/// <summary>
/// Issue 15: every disguise a reader still reads is caught, noise is decided per term (an imported
/// term with a dot cannot switch dot-skipping off for the markings), and a marking found across a
/// clause break is checked against its context.
/// </summary>
public sealed class ScreeningDisguiseTests
{
    private static readonly ScreeningEngine BuiltIn = ScreeningEngine.Compile(BuiltInTerms.All);

    private static readonly string[] ImportedLines = ["www.example-site.com", "气枪价格，气枪专卖店", "真、善、忍", "六。四", "a.b", "甲；乙"];

    private static ScreeningEngine WithImport() =>
        ScreeningEngine.Compile([.. BuiltInTerms.All, .. ImportedLines.Select(t => new ScreeningTerm(t, "Sensitive", ScreeningLevel.Warn))]);

    [Theory]
    [InlineData("本文件为绝.密文件", "绝密")]
    [InlineData("本文件为绝-密文件", "绝密")]
    [InlineData("本文件属机，密文件", "机密")]
    [InlineData("这是内、部资料，请勿外传", "内部资料")]
    [InlineData("这是内。部资料", "内部资料")]
    [InlineData("秘；密", "秘密")]
    public void Importing_terms_with_punctuation_leaves_the_disguised_markings_blocked(string text, string marking)
    {
        foreach (var engine in new[] { BuiltIn, WithImport() })
        {
            var hit = Assert.Single(engine.Find(text), h => h.Term == marking);
            Assert.Equal(ScreeningLevel.Block, hit.Level);
        }
    }

    [Fact]
    public void An_imported_term_matches_its_own_punctuation_literally()
    {
        var engine = WithImport();
        Assert.Contains(engine.Find("访问 www.example-site.com 了解"), h => h.Term == "www.example-site.com");
        Assert.Contains(engine.Find("气枪价格，气枪专卖店"), h => h.Term == "气枪价格，气枪专卖店");
        Assert.Contains(engine.Find("六。四"), h => h.Term == "六。四");
        // Its own symbols are literal: a different separator is not the imported term.
        Assert.DoesNotContain(engine.Find("wwwexample-sitecom"), h => h.Term == "www.example-site.com");
        Assert.Equal(6, engine.SymbolTermCount - BuiltIn.SymbolTermCount);
    }

    [Theory]
    [InlineData("请于5个工作日内，部门负责人签字后报送办公室。")]
    [InlineData("在规定期限内。部署工作要求如下")]
    [InlineData("本月内\n部署")]
    [InlineData("有机\n密封")]
    [InlineData("请注意，保密工作由办公室负责")]
    [InlineData("省内、部分地区")]
    [InlineData("必须杜绝，密切关注")]
    public void Clause_boundary_sentences_give_no_hit(string text)
    {
        Assert.Empty(BuiltIn.Find(text));
        Assert.Empty(WithImport().Find(text));
        Assert.Equal(0, BuiltIn.Count(text, normalize: true));
    }

    [Fact]
    public void The_seed_text_gives_hits_only_where_it_names_a_marking()
    {
        var seed = File.ReadAllText(ScreeningFixtures.SeedPolicyPath());
        var hits = BuiltIn.Find(seed);

        // Every hit is the marking written out in full: no punctuation or line break inside it.
        Assert.All(hits, h => Assert.Equal(TextNormalizer.NormalizeTerm(h.Term), seed.Substring(h.Start, h.Length)));
        // And every marking written out in full is found.
        var written = BuiltInTerms.All.Select(t => TextNormalizer.NormalizeTerm(t.Text)).Distinct()
            .Sum(t => Occurrences(seed, t));
        Assert.Equal(written, hits.Count);
        Assert.True(hits.Count >= 20, $"the seed names markings in its rules; found {hits.Count}");
    }

    [Fact]
    public void Star_and_star_runs_behave_as_before()
    {
        Assert.Equal(
            [(0, 3, "机密★"), (0, 2, "机密")],
            BuiltIn.Find("机密★10年").Select(h => (h.Start, h.Length, h.Term)).ToArray());
        Assert.Equal(
            [(0, 3, "秘密★"), (0, 2, "秘密")],
            BuiltIn.Find("秘密★★★").Select(h => (h.Start, h.Length, h.Term)).ToArray());
        Assert.Empty(BuiltIn.Find("★★★"));
        Assert.Empty(BuiltIn.Find("★★★ 五星好评"));
        Assert.Contains(BuiltIn.Find("★机密"), h => (h.Start, h.Length, h.Term) == (0, 3, "★机密"));
    }

    public static TheoryData<string, string, string> Disguises => new()
    {
        // class, term, disguised text
        { "spaces", "中国人", "中 国 人" },
        { "ideographic space", "中国人", "中\u3000国\u3000人" },
        { "zero-width", "中国人", "中\u200B国\u200D人" },
        { "BMP symbols", "中国人", "中✿国♥人" },
        { "star", "中国人", "中★国★人" },
        { "emoji (non-BMP)", "中国人", "中😀国🔥人" },
        { "emoji with skin tone and ZWJ", "中国人", "中👍🏽国👨‍👩‍👧人" },
        { "variation selectors", "中国人", "中❤️国✿︎人" },
        { "full width", "abc123", "ＡＢＣ１２３" },
        { "upper case", "abc123", "ABC123" },
        { "traditional", "强国", "強國" },
        { "traditional", "台湾", "臺灣" },
        { "traditional", "刘亚", "劉亞" },
        { "traditional", "乱师", "亂師" },
        { "traditional", "妈骂", "媽罵" },
        { "traditional", "欲望", "慾望" },
        { "taiwan variant", "里面", "裡面" },
        { "mixed", "机关", "機 ★ 😀 關" },
    };

    [Theory]
    [MemberData(nameof(Disguises))]
    public void Each_disguise_class_is_caught(string disguise, string term, string text)
    {
        var engine = ScreeningEngine.Compile([.. BuiltInTerms.All, new ScreeningTerm(term, "Sensitive", ScreeningLevel.Block)]);
        var hit = Assert.Single(engine.Find("前" + text + "后"), h => h.Term == term);
        Assert.True((1, text.Length) == (hit.Start, hit.Length), $"{disguise}: span {hit.Start},{hit.Length}");
    }

    [Fact]
    public void The_full_OpenCC_table_folds_every_traditional_character_onto_its_simplified_form()
    {
        Assert.True(ChineseVariants.OpenCcPairCount > 2900, $"{ChineseVariants.OpenCcPairCount} pairs");
        using var stream = typeof(TextNormalizer).Assembly.GetManifestResourceStream("InfoPortal.Screening.TSCharacters.txt")!;
        using var reader = new StreamReader(stream);
        var checkedPairs = 0;
        while (reader.ReadLine() is { } line)
        {
            var parts = line.Split(' ');
            if (parts[0].Length == 1 && parts[1].Length == 1)
            {
                // Text and term fold to the same char, and folding twice changes nothing.
                Assert.Equal(TextNormalizer.Fold(parts[1][0]), TextNormalizer.Fold(parts[0][0]));
                Assert.Equal(TextNormalizer.Fold(parts[0][0]), TextNormalizer.Fold(TextNormalizer.Fold(parts[0][0])));
                checkedPairs++;
            }
        }

        Assert.True(checkedPairs > 2900);
        Assert.Equal("强台刘亚乱师妈骂欲", new string("強臺劉亞亂師媽罵慾".Select(TextNormalizer.Fold).ToArray()));
        // Simplified text is left as it is.
        Assert.Equal("什么后面干部", new string("什么后面干部".Select(TextNormalizer.Fold).ToArray()));
    }

    private static int Occurrences(string text, string term)
    {
        var n = 0;
        for (var i = text.IndexOf(term, StringComparison.Ordinal); i >= 0; i = text.IndexOf(term, i + 1, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }
}
