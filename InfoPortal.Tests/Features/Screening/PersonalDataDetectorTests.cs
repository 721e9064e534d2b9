using CsCheck;
using InfoPortal.Features.Screening.Engine;

namespace InfoPortal.Tests.Features.Screening;

/// <summary>Detectors fire on valid numbers only: checksum, plausible date, and not inside longer runs.</summary>
public sealed class PersonalDataDetectorTests
{
    private const string KnownId = "11010519491231002X";

    private static string WithIdCheck(string first17) => first17 + MainlandIdDetector.CheckChar(first17);

    private static string WithLuhn(string body)
    {
        for (var d = '0'; d <= '9'; d++)
        {
            if (BankCardDetector.PassesLuhn(body + d))
            {
                return body + d;
            }
        }

        throw new InvalidOperationException("unreachable: one digit always completes Luhn");
    }

    private static Hit[] Run(IPersonalDataDetector detector, string text) => detector.Find(text).ToArray();

    [Theory]
    [InlineData(KnownId)]
    [InlineData("11010519491231002x")]
    public void Known_valid_id_is_found_at_its_position(string id)
    {
        var hit = Assert.Single(Run(new MainlandIdDetector(), "身份证号：" + id + "。"));
        Assert.Equal((5, 18, "MainlandId", "PersonalData", ScreeningLevel.Warn),
            (hit.Start, hit.Length, hit.Term, hit.Category, hit.Level));
    }

    [Fact]
    public void Computed_ids_are_found_and_any_other_check_char_is_not()
    {
        var detector = new MainlandIdDetector();
        foreach (var first17 in new[] { "44030419900101001", "31011520000229123", "51010719851111456" })
        {
            var valid = WithIdCheck(first17);
            Assert.Single(Run(detector, valid));
            foreach (var wrong in "0123456789X".Where(c => c != valid[17]))
            {
                Assert.Empty(Run(detector, first17 + wrong));
            }
        }
    }

    [Fact]
    public void Id_with_impossible_birth_date_is_not_found_even_with_correct_check()
    {
        Assert.Empty(Run(new MainlandIdDetector(), WithIdCheck("11010519491331002")));  // month 13
        Assert.Empty(Run(new MainlandIdDetector(), WithIdCheck("11010519990229002")));  // 1999 not leap
    }

    [Theory]
    [InlineData("1" + KnownId)]
    [InlineData(KnownId + "5")]
    [InlineData("a" + KnownId)]
    [InlineData("9" + KnownId + "9")]
    public void Id_embedded_in_a_longer_run_is_not_found(string text) =>
        Assert.Empty(Run(new MainlandIdDetector(), text));

    [Fact]
    public void Old_fifteen_digit_id_needs_a_plausible_date()
    {
        Assert.Single(Run(new OldMainlandIdDetector(), "旧证110105491231002号"));
        Assert.Empty(Run(new OldMainlandIdDetector(), "110105491331002"));
        Assert.Empty(Run(new OldMainlandIdDetector(), "1101054912310021"));
    }

    [Fact]
    public void Mobile_numbers_are_found_only_as_whole_runs()
    {
        var hit = Assert.Single(Run(new MobileNumberDetector(), "电话13812345678联系"));
        Assert.Equal((2, 11), (hit.Start, hit.Length));
        Assert.Empty(Run(new MobileNumberDetector(), "12812345678"));
        Assert.Empty(Run(new MobileNumberDetector(), "138123456789"));
        Assert.Empty(Run(new MobileNumberDetector(), "213812345678"));
    }

    [Theory]
    [InlineData("010-12345678")]
    [InlineData("0755-1234567")]
    [InlineData("02112345678")]
    public void Landlines_are_found(string number) =>
        Assert.Single(Run(new LandlineDetector(), "电话：" + number + "。"));

    [Theory]
    [InlineData("010-123456")]
    [InlineData("9010-12345678")]
    [InlineData("010-123456789")]
    public void Malformed_or_embedded_landlines_are_not_found(string number) =>
        Assert.Empty(Run(new LandlineDetector(), number));

    [Fact]
    public void Bank_cards_pass_luhn_or_are_not_found()
    {
        var detector = new BankCardDetector();
        foreach (var body in new[] { "411111111111111", "622202123456789012", "62284800123456789" })
        {
            var valid = WithLuhn(body);
            var hit = Assert.Single(Run(detector, "卡号" + valid));
            Assert.Equal((2, valid.Length), (hit.Start, hit.Length));

            var wrong = valid[..^1] + (char)('0' + ((valid[^1] - '0' + 1) % 10));
            Assert.Empty(Run(detector, wrong));
            Assert.Empty(Run(detector, "12" + valid));
            Assert.Empty(Run(detector, valid + "x"));
        }
    }

    [Fact]
    public void Emails_are_found()
    {
        var hit = Assert.Single(Run(new EmailDetector(), "联系zhang.san@example.com.cn谢谢"));
        Assert.Equal("zhang.san@example.com.cn", "联系zhang.san@example.com.cn谢谢".Substring(hit.Start, hit.Length));
        Assert.Empty(Run(new EmailDetector(), "not-an-email@localhost"));
    }

    [Fact]
    public void All_detectors_together_find_each_kind_once_in_a_mixed_text()
    {
        var text = $"张三，身份证{KnownId}，手机13912345678，电话010-87654321，卡号4111111111111111，邮箱a@b.cn。";
        var kinds = PersonalDataDetector.All.SelectMany(d => d.Find(text)).Select(h => h.Term).Order().ToArray();

        Assert.Equal(["BankCard", "Email", "Landline", "MainlandId", "Mobile"], kinds);
    }

    // Issue 15: the number detectors read only the windows around digit runs and the e-mail detector
    // only texts with an @. On random texts made of digits, X, hyphens, letters, @, dots and Chinese,
    // every detector finds exactly what its pattern finds over the whole text.
    private static readonly string[] Pieces =
        ["0", "1", "3", "8", "9", "X", "x", "-", "a", "Z", "@", ".", "中", "，", " ", "13812345678", "0731-88886666", "11010519491231002X", "6222021234567890128", "a.b@example.cn", "110105491231002"];

    [Fact]
    public void Windows_find_exactly_what_the_patterns_find_in_the_whole_text() =>
        Gen.Int[0, Pieces.Length - 1].Array[0, 40]
            .Select(a => string.Concat(a.Select(i => Pieces[i])))
            .Sample(text =>
            {
                foreach (var detector in PersonalDataDetector.All.Cast<PersonalDataDetector>())
                {
                    Assert.Equal(detector.FindInWholeText(text), detector.Find(text));
                }
            }, iter: 3000, print: t => $"\"{t}\"");
}
