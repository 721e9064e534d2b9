using CsCheck;
using InfoPortal.Infrastructure.Pdf;

namespace InfoPortal.Tests.Infrastructure.Pdf;

/// <summary>The Chinese line breaker: width, kinsoku, whole Latin words, nothing lost.</summary>
public sealed class LineBreakerTests
{
    // A fixed-pitch measure: CJK and full-width punctuation 10, everything else 6.
    private static double Measure(string s) => s.Sum(c => c >= 0x2E80 || LineBreaker.NoLineStart.Contains(c) && c > 0xFF ? 10.0 : 6.0);

    private static IEnumerable<string> Words(string s) =>
        System.Text.RegularExpressions.Regex.Matches(s, "[a-z]+").Select(m => m.Value);

    private static string Squash(string s) => new([.. s.Where(c => !char.IsWhiteSpace(c))]);

    [Fact]
    public void Break_Chinese_BreaksBetweenAnyCharacters_AndRespectsWidth()
    {
        var lines = LineBreaker.Break("县局召开药品安全专题会议部署下一阶段工作要求各股室认真落实", 100, Measure);
        Assert.True(lines.Count >= 3);
        Assert.All(lines, l => Assert.True(Measure(l) <= 100, $"'{l}' is {Measure(l)} wide"));
        Assert.Equal(10, lines[0].Length);
    }

    [Fact]
    public void Break_ClosingPunctuation_NeverStartsALine()
    {
        // Without kinsoku the comma would be the 11th character: the first character of line 2.
        var lines = LineBreaker.Break("一二三四五六七八九十，十一十二。", 100, Measure);
        Assert.Equal("一二三四五六七八九", lines[0]);
        Assert.Equal("十，十一十二。", lines[1]);
    }

    [Fact]
    public void Break_OpeningPunctuation_NeverEndsALine()
    {
        // 《 would fit as the 10th character of line 1; it goes down with what it opens.
        var lines = LineBreaker.Break("一二三四五六七八九《药品管理法》", 100, Measure);
        Assert.Equal("一二三四五六七八九", lines[0]);
        Assert.StartsWith("《", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Break_LatinWords_StayWhole()
    {
        var lines = LineBreaker.Break("依据 Regulations on Open Government Information 办理", 100, Measure);
        var words = new[] { "Regulations", "on", "Open", "Government", "Information" };
        Assert.All(words, w => Assert.Contains(lines, l => l.Split(' ').Contains(w)));
        Assert.All(lines, l => Assert.True(Measure(l) <= 100));
    }

    [Fact]
    public void Break_WordWiderThanTheLine_IsCutByCharacters()
    {
        var url = "https://www.example.gov.cn/xxgk/" + new string('a', 40);
        var lines = LineBreaker.Break(url, 60, Measure);
        Assert.All(lines, l => Assert.True(Measure(l) <= 60));
        Assert.Equal(url, string.Concat(lines));
    }

    [Fact]
    public void Break_HardLineBreaks_AreKept()
    {
        var lines = LineBreaker.Break("第一段\n\n第三段", 200, Measure);
        Assert.Equal(["第一段", "", "第三段"], lines);
    }

    [Fact]
    public void Break_AnyMixedText_KeepsWidthKinsokuAndEveryCharacter()
    {
        // Units as they occur in real text: a Han character, a Latin word with a space, a Han
        // character with closing punctuation, opening punctuation with a Han character.
        var han = Gen.Char['\u4E00', '\u4FFF'];
        var unit = Gen.OneOf(
            han.Select(c => c.ToString()),
            Gen.String[Gen.Char['a', 'z'], 1, 8].Select(w => w + " "),
            Gen.Select(han, Gen.Int[0, 6], (c, p) => c + "，。、；：？！"[p].ToString()),
            Gen.Select(han, Gen.Int[0, 2], (c, p) => "（《「"[p] + c.ToString()));
        unit.Array[0, 60].Select(parts => string.Concat(parts)).Sample(text =>
        {
            var lines = LineBreaker.Break(text, 80, Measure);
            Assert.Equal(Squash(text), Squash(string.Concat(lines)));
            for (var i = 0; i < lines.Count; i++)
            {
                var line = lines[i];
                Assert.True(Measure(line) <= 80, $"line {i} '{line}' is {Measure(line)} wide");
                Assert.False(line.Length > 0 && LineBreaker.NoLineStart.Contains(line[0]), $"line {i} '{line}' starts with closing punctuation");
                Assert.False(line.Length > 0 && LineBreaker.NoLineEnd.Contains(line[^1]), $"line {i} '{line}' ends with opening punctuation");
            }

            // Latin words are never split (none is wider than the line here).
            Assert.Equal(Words(text), lines.SelectMany(Words));
        }, iter: 2000);
    }
}
