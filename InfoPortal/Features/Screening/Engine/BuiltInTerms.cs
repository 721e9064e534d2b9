namespace InfoPortal.Features.Screening.Engine;

/// <summary>
/// Secrecy markings that must never reach the website (rules.md §3 六): classification marks,
/// confidential-telegram formats (机要, 密码电报, 内部明电, 〈省/市/县名〉发电) and "internal"
/// document markings (内部文件, 内部资料 — so 内部文件（资料） too —, 注意保存/保管/保密). All block.
/// </summary>
public static class BuiltInTerms
{
    public const string SecrecyMarkCategory = "SecrecyMark";

    /// <summary>The configuration key for the agency's own place names (its province, city, county).</summary>
    public const string PlacesSection = "Screening:TelegramPlaces";

    private static readonly string[] Texts =
    [
        "绝密", "机密", "秘密",
        "绝密★", "机密★", "秘密★",
        "绝密级", "机密级", "秘密级",
        // Spaced variants as they appear on scanned covers; whitespace is dropped at compile time,
        // so they collapse into the ★ forms above and are kept only to document the intent.
        "绝密 ★", "机密 ★", "秘密 ★",
        "★绝密", "★机密", "★秘密",
        // "内部" alone is not a marking: 内网-仅内部通知, 内部管理 and 部门内部 are ordinary notices
        // (issue 11). The internal markings are the document forms.
        "内部资料", "内部文件", "内部事项", "内部材料", "内部发行", "内部使用", "仅供内部", "机要",
        "注意保存", "注意保管", "注意保密",
        "内部明电", "密码电报", "机要电报", "不宜公开", "内部刊物", "内部参阅",
    ];

    /// <summary>
    /// Provincial-level names, so 〈省名〉发电 telegram headers are caught wherever the agency is; the
    /// agency adds its own city and county under <see cref="PlacesSection"/>.
    /// </summary>
    public static readonly IReadOnlyList<string> Provinces =
    [
        "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市", "江苏省",
        "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "广西壮族自治区",
        "海南省", "重庆市", "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区",
        "新疆维吾尔自治区", "台湾省", "香港特别行政区", "澳门特别行政区",
    ];

    /// <summary>The telegram header a place sends (甘肃省发电): the form rules.md §3 六(三) forbids.</summary>
    public const string TelegramSuffix = "发电";

    /// <summary>The built-in markings with the provinces only.</summary>
    public static IReadOnlyList<ScreeningTerm> All { get; } = For([]);

    /// <summary>The built-in markings plus 〈place〉发电 for every province and every configured place.</summary>
    public static IReadOnlyList<ScreeningTerm> For(IEnumerable<string> places) =>
        [.. Texts
            .Concat(Provinces.Concat(places.Select(p => p.Trim()).Where(p => p.Length > 0)).Distinct(StringComparer.Ordinal).Select(p => p + TelegramSuffix))
            .Select(t => new ScreeningTerm(t, SecrecyMarkCategory, ScreeningLevel.Block))];
}

/// <summary>The built-in markings of this agency (its configured places included), compiled into every engine.</summary>
public sealed class BuiltInTermSet(IReadOnlyList<ScreeningTerm> terms)
{
    public IReadOnlyList<ScreeningTerm> Terms { get; } = terms;
}
