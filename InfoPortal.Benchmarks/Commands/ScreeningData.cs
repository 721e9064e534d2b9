using System.Text;
using InfoPortal.Features.Screening.Engine;

namespace InfoPortal.Benchmarks.Commands;

/// <summary>
/// Deterministic test data: term lists drawn from a pool of common-range CJK characters, and a long
/// text from the same pool (so partial matches are frequent, as in real prose) with planted hits,
/// noise inside terms (spaces, zero-width, ★, emoji), traditional forms, punctuation and line breaks.
/// Hit density: about one planted marking or list term every 200 characters, the rate of a notice
/// that quotes its rules; everything is generated, no third-party list is used. Shared by the engine's
/// benchmarks (InfoPortal.Benchmarks) and <c>bench screening-api</c>.
/// </summary>
public static class ScreeningData
{
    public const int TextChars = 3_000_000;
    public const int PoolSize = 3_000;

    private static readonly char[] Pool = BuildPool();

    private static char[] BuildPool()
    {
        var random = new Random(20261126);
        var set = new HashSet<char>("机密绝秘内部资料文件要注意保存管不宜公开明电码报刊物参阅级");
        while (set.Count < PoolSize)
        {
            set.Add((char)random.Next(0x4E00, 0x9FA6));
        }

        return set.ToArray();
    }

    /// <summary><paramref name="count"/> distinct 2–6-char terms plus the built-in secrecy marks.</summary>
    public static ScreeningTerm[] Terms(int count)
    {
        var random = new Random(count);
        var texts = new HashSet<string>(StringComparer.Ordinal);
        var buffer = new char[6];
        while (texts.Count < count)
        {
            var length = random.Next(2, 7);
            for (var i = 0; i < length; i++)
            {
                buffer[i] = Pool[random.Next(Pool.Length)];
            }

            texts.Add(new string(buffer, 0, length));
        }

        return texts.Select(t => new ScreeningTerm(t, "Sensitive", ScreeningLevel.Warn))
            .Concat(BuiltInTerms.All)
            .ToArray();
    }

    /// <summary>
    /// The text; with <paramref name="numbers"/> about one in 150 characters starts a date, a document
    /// number, a phone number or an ID number, as in a notice (the personal-data detectors' work).
    /// </summary>
    public static string Text(IReadOnlyList<ScreeningTerm> terms, int chars = TextChars, bool numbers = false)
    {
        var random = new Random(7);
        var noise = new[] { " ", "·", "*", "\u200B", "　", "-", "★", "😀", "\uFE0F" };
        var planted = new[] { "机·密", "内 部 资 料", "絕密", "秘密★", "注意\u200B保密", "內部參閱", "机★密", "绝😀密", "內，部資料" };
        var sb = new StringBuilder(chars + 64);
        while (sb.Length < chars)
        {
            var roll = random.Next(1000);
            if (roll < 2)
            {
                sb.Append(planted[random.Next(planted.Length)]);
            }
            else if (roll < 5)
            {
                // A list term, sometimes with noise between its characters.
                var term = terms[random.Next(terms.Count)].Text;
                var sep = random.Next(3) == 0 ? noise[random.Next(noise.Length)] : "";
                sb.AppendJoin(sep, term.ToCharArray());
            }
            else if (numbers && roll < 12)
            {
                sb.Append(random.Next(4) switch
                {
                    0 => $"{random.Next(2000, 2027)}年{random.Next(1, 13)}月{random.Next(1, 29)}日",
                    1 => $"〔{random.Next(2000, 2027)}〕{random.Next(1, 200)}号",
                    2 => $"电话0731-{random.Next(80000000, 89999999)}、1{random.Next(3, 10)}{random.Next(100000000, 999999999)}",
                    _ => $"身份证号43010{random.Next(1000000, 9999999)}{random.Next(1000000, 9999999)}",
                });
            }
            else if (roll < 60)
            {
                sb.Append(roll < 50 ? '，' : '。');
            }
            else if (roll < 64)
            {
                sb.Append('\n');
            }
            else
            {
                sb.Append(Pool[random.Next(Pool.Length)]);
            }
        }

        return sb.ToString(0, chars);
    }
}
