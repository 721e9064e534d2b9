namespace InfoPortal.Features.Screening.Engine;

/// <summary>
/// Secrecy markings that must never reach the website (rules.md §3 六): classification marks,
/// confidential-telegram formats and "internal" document markings. All block.
/// </summary>
public static class BuiltInTerms
{
    public const string SecrecyMarkCategory = "SecrecyMark";

    private static readonly string[] Texts =
    [
        "绝密", "机密", "秘密",
        "绝密★", "机密★", "秘密★",
        "绝密级", "机密级", "秘密级",
        // Spaced variants as they appear on scanned covers; whitespace is dropped at compile time,
        // so they collapse into the ★ forms above and are kept only to document the intent.
        "绝密 ★", "机密 ★", "秘密 ★",
        "★绝密", "★机密", "★秘密",
        "内部", "内部资料", "内部文件", "机要",
        "注意保存", "注意保管", "注意保密",
        "内部明电", "密码电报", "不宜公开", "内部刊物", "内部参阅",
    ];

    public static IReadOnlyList<ScreeningTerm> All { get; } =
        Texts.Select(t => new ScreeningTerm(t, SecrecyMarkCategory, ScreeningLevel.Block)).ToArray();
}
