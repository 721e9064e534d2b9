using System.Text.RegularExpressions;

namespace InfoPortal.Features.Screening.Engine;

/// <summary>A detector for one kind of personal data (rules.md §1 第十二至十四条). Hits warn, never block.</summary>
public interface IPersonalDataDetector
{
    IEnumerable<Hit> Find(string text);
}

/// <summary>
/// Shared plumbing. The patterns anchor on "no ASCII letter or digit on either side", so a number
/// embedded in a longer run (an order number, a hash) never fires; CJK text around a number is fine.
/// </summary>
public abstract class PersonalDataDetector(string name) : IPersonalDataDetector
{
    public const string Category = "PersonalData";

    public string Name { get; } = name;

    public IEnumerable<Hit> Find(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var hits = new List<Hit>();
        foreach (var (start, length) in Windows(text))
        {
            var window = text.AsSpan(start, length);
            foreach (var m in Pattern.EnumerateMatches(window))
            {
                if (IsValid(window.Slice(m.Index, m.Length)))
                {
                    hits.Add(new Hit(start + m.Index, m.Length, Name, Category, ScreeningLevel.Warn));
                }
            }
        }

        return hits;
    }

    /// <summary>The pattern over the whole text, windows ignored: what <see cref="Find"/> must equal (property-tested).</summary>
    internal IEnumerable<Hit> FindInWholeText(string text) =>
        Pattern.Matches(text).Where(m => IsValid(m.ValueSpan)).Select(m => new Hit(m.Index, m.Length, Name, Category, ScreeningLevel.Warn));

    protected abstract Regex Pattern { get; }

    /// <summary>
    /// The parts of the text the pattern can match in, each with the characters its look-arounds read.
    /// By default the whole text; the number detectors look only around runs of ASCII digits (issue 15:
    /// six regexes over every character of a 100,000-character text took longer than the word lists).
    /// </summary>
    protected virtual IEnumerable<(int Start, int Length)> Windows(string text) => [(0, text.Length)];

    /// <summary>
    /// Runs of digits (joined across single hyphens: 0731-8888…), widened by one character before
    /// (the look-behind) and two after (a check character X and the look-ahead behind it), merged
    /// where they touch. A match of a number pattern lies inside one window and reads the same
    /// neighbours there as in the whole text.
    /// </summary>
    internal static List<(int Start, int Length)> DigitWindows(string text)
    {
        var windows = new List<(int Start, int Length)>();
        var span = text.AsSpan();
        var i = 0;
        while (i < span.Length)
        {
            var next = span[i..].IndexOfAnyInRange('0', '9');
            if (next < 0)
            {
                break;
            }

            var runStart = i + next;
            var end = runStart;
            while (true)
            {
                var rest = span[end..].IndexOfAnyExceptInRange('0', '9');
                end = rest < 0 ? span.Length : end + rest;
                if (end + 1 < span.Length && span[end] == '-' && char.IsAsciiDigit(span[end + 1]))
                {
                    end++;
                    continue;
                }

                break;
            }

            var from = Math.Max(0, runStart - 1);
            var to = Math.Min(span.Length, end + 2);
            if (windows.Count > 0 && windows[^1].Start + windows[^1].Length >= from)
            {
                var last = windows[^1];
                windows[^1] = (last.Start, to - last.Start);
            }
            else
            {
                windows.Add((from, to - from));
            }

            i = end;
        }

        return windows;
    }

    /// <summary>Checksum and plausibility; the pattern alone is never enough to fire.</summary>
    protected virtual bool IsValid(ReadOnlySpan<char> value) => true;

    internal static bool IsPlausibleDate(int year, int month, int day) =>
        year is >= 1900 and <= 2099 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month);

    internal static int Digits(ReadOnlySpan<char> s) => s.Length == 0 ? 0 : int.Parse(s, System.Globalization.CultureInfo.InvariantCulture);

    public static IReadOnlyList<IPersonalDataDetector> All { get; } =
    [
        new MainlandIdDetector(), new OldMainlandIdDetector(), new MobileNumberDetector(),
        new LandlineDetector(), new BankCardDetector(), new EmailDetector(),
    ];
}

/// <summary>18-digit resident ID (GB 11643-1999): birth date yyyyMMdd at 6..13, ISO 7064 MOD 11-2 check char.</summary>
public sealed partial class MainlandIdDetector() : PersonalDataDetector("MainlandId")
{
    protected override IEnumerable<(int Start, int Length)> Windows(string text) => DigitWindows(text);

    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckChars = "10X98765432";

    protected override Regex Pattern => Id18();

    protected override bool IsValid(ReadOnlySpan<char> value) =>
        IsPlausibleDate(Digits(value[6..10]), Digits(value[10..12]), Digits(value[12..14]))
        && char.ToUpperInvariant(value[17]) == CheckChar(value);

    /// <summary>The check char for the first 17 digits.</summary>
    public static char CheckChar(ReadOnlySpan<char> first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (first17[i] - '0') * Weights[i];
        }

        return CheckChars[sum % 11];
    }

    [GeneratedRegex("(?<![0-9A-Za-z])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Id18();
}

/// <summary>15-digit first-generation ID: yyMMdd (19yy) at 6..11, no check digit, so the date must be valid.</summary>
public sealed partial class OldMainlandIdDetector() : PersonalDataDetector("MainlandIdOld")
{
    protected override IEnumerable<(int Start, int Length)> Windows(string text) => DigitWindows(text);

    protected override Regex Pattern => Id15();

    protected override bool IsValid(ReadOnlySpan<char> value) =>
        IsPlausibleDate(1900 + Digits(value[6..8]), Digits(value[8..10]), Digits(value[10..12]));

    [GeneratedRegex("(?<![0-9A-Za-z])[1-9][0-9]{14}(?![0-9A-Za-z])", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Id15();
}

public sealed partial class MobileNumberDetector() : PersonalDataDetector("Mobile")
{
    protected override IEnumerable<(int Start, int Length)> Windows(string text) => DigitWindows(text);

    protected override Regex Pattern => Mobile();

    [GeneratedRegex("(?<![0-9A-Za-z])1[3-9][0-9]{9}(?![0-9A-Za-z])", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Mobile();
}

public sealed partial class LandlineDetector() : PersonalDataDetector("Landline")
{
    protected override IEnumerable<(int Start, int Length)> Windows(string text) => DigitWindows(text);

    protected override Regex Pattern => Landline();

    [GeneratedRegex("(?<![0-9A-Za-z-])0[0-9]{2,3}-?[0-9]{7,8}(?![0-9A-Za-z-])", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Landline();
}

/// <summary>16–19-digit card numbers that pass Luhn; random digit runs of that length fail it 9 times in 10.</summary>
public sealed partial class BankCardDetector() : PersonalDataDetector("BankCard")
{
    protected override IEnumerable<(int Start, int Length)> Windows(string text) => DigitWindows(text);

    protected override Regex Pattern => Card();

    protected override bool IsValid(ReadOnlySpan<char> value) => PassesLuhn(value);

    public static bool PassesLuhn(ReadOnlySpan<char> digits)
    {
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubleIt = !doubleIt;
        }

        return sum % 10 == 0;
    }

    [GeneratedRegex("(?<![0-9A-Za-z])[0-9]{16,19}(?![0-9A-Za-z])", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Card();
}

public sealed partial class EmailDetector() : PersonalDataDetector("Email")
{
    // No @, no address: one vectorised search instead of the pattern over every letter and digit.
    protected override IEnumerable<(int Start, int Length)> Windows(string text) => text.Contains('@', StringComparison.Ordinal) ? [(0, text.Length)] : [];

    protected override Regex Pattern => Email();

    [GeneratedRegex(
        @"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![A-Za-z0-9])",
        RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Email();
}
