namespace InfoPortal.Features.Screening.Engine;

/// <summary>
/// The context rule for secrecy markings found across a sentence or clause break (ADR 0025).
/// A disguise puts noise inside a word (机，密 / 内、部资料); ordinary prose puts a clause break
/// between two words that happen to end and start with a marking's characters
/// (工作日内，部门负责人 / 期限内。部署 / 有机\n密封). A break splits the marking into a left and a
/// right part; the break is read as a real clause end — and the hit dropped — when the left part is
/// a word by itself or with the character before it (注意 / 有机), or the right part is a word by
/// itself or with the character after it (保密 / 部门 / 密封). The word list is small on purpose:
/// only words that end with a marking's first characters or start with its last ones matter.
/// </summary>
public static class ClauseContext
{
    // Words built from the built-in markings' characters and their most common neighbours in
    // government prose; extend it when a measured false positive shows a gap.
    private static readonly HashSet<string> Words = new(
        """
        内部 资料 文件 注意 保存 保管 保密 明电 密码 电报 不宜 公开 刊物 参阅 机密 绝密 秘密 机要 内部资料 内部文件
        有机 手机 飞机 司机 危机 时机 随机 契机 生机 电机 主机 相机 动机 投机 转机 农机 战机 客机 专机 乘机 趁机 良机 商机 心机 微机 军机 机关
        国内 境内 省内 市内 县内 区内 室内 年内 月内 日内 期内 体内 党内 校内 院内 场内 以内 之内 域内 海内 对内 网内 周内 天内 时内 限内 围内 间内 部内 队内 司内 所内 厅内 局内 站内 处内
        拒绝 杜绝 断绝 灭绝 隔绝 根绝 谢绝 卓绝 不绝 回绝 决绝
        便秘 奥秘 神秘 隐秘 揭秘 解秘 文秘
        关注 备注 标注 批注 投注 灌注 专注 赌注 下注 附注 加注 评注 注册 注重 注明
        决不 绝不 并不 也不 都不 还不 要不 是不 从不 毫不 永不 再不 就不 可不 而不
        紧密 严密 精密 亲密 细密 周密 稠密 茂密 泄密 告密 解密 加密 失密 涉密 定密 私密 绵密 保密
        部门 部署 部分 部长 部队 部位 部件 部属 部委 部落 部首 部级 部际 部室 部里 部下 部内
        密封 密切 密度 密集 密布 密林 密谋 密友 密室 密信 密令 密电 密探 密语 密植 密实 密闭 密钥 密不
        料理 料想 料到 料定 料子
        件事 件数
        要求 要是 要把 要在 要点 要闻 要害 要素 要做 要有 要按 要以 要对 要将 要加 要及 要认 要严 要坚 要进 要积 要切 要充 要抓 要全 要强 要确 要高 要注 要主 要不 要与 要和 要从 要及时
        存在 存款 存储 存放 存档 存量 存续 存入
        管理 管道 管辖 管控 管好 管住
        电话 电子 电视 电脑 电力 电网 电影 电源 电器 电池 电费 电商 电气
        报告 报送 报道 报名 报表 报纸 报刊 报销 报到 报警 报批 报备 报请 报考 报审
        开展 开发 开放 开始 开会 开通 开具 开设 开辟 开支 开户 开工 开学 开启 开业 开心 开车 开门 开除 开拓 开创 开幕 开局 开标 开庭
        物资 物流 物品 物价 物业 物质 物理 物体 物件
        阅读 阅览 阅卷 阅办 阅知
        级别
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries),
        StringComparer.Ordinal);

    /// <summary>Whether <paramref name="text"/> (already folded) is one of the context words.</summary>
    public static bool IsWord(string text) => Words.Contains(text);

    /// <summary>
    /// True when a hit of <paramref name="term"/> (normalised) over <c>original[start..end]</c> crosses
    /// a clause break that the term does not contain and the break reads as a real clause end.
    /// <paramref name="map"/> is the automaton's table (folded char or <see cref="TextNormalizer.Noise"/>).
    /// </summary>
    public static bool IsClauseBoundary(ReadOnlySpan<char> original, int start, int end, string term, char[] map)
    {
        var kept = 0;
        for (var i = start; i <= end; i++)
        {
            var c = original[i];
            if (map[c] != TextNormalizer.Noise)
            {
                kept++;
                continue;
            }

            if (kept == 0 || kept >= term.Length || !TextNormalizer.IsClauseBreak(c))
            {
                continue;
            }

            var left = term[..kept];
            var right = term[kept..];
            var before = Neighbour(original, start - 1, -1, map);
            var after = Neighbour(original, end + 1, +1, map);
            if (Words.Contains(left) || Words.Contains(right)
                || (before is { } b && Words.Contains(b + left))
                || (after is { } a && Words.Contains(right + a)))
            {
                return true;
            }
        }

        return false;
    }

    // 〈地名〉发电 is a telegram header (甘肃省发电〔2024〕3号); 甘肃省发电量, 发电厂, 发电企业 are energy news.
    private const string PowerWords = "量机厂站企能项集公装设容效行成技用规总负收侧端业煤热";

    /// <summary>
    /// True when the 〈地名〉发电 hit ending at <paramref name="end"/> is followed, in the same clause,
    /// by a char that makes it the verb "generate power" (发电量, 发电厂, 发电企业), not a telegram.
    /// </summary>
    public static bool IsPowerGeneration(ReadOnlySpan<char> original, int end, char[] map) =>
        Neighbour(original, end + 1, +1, map) is { } after && PowerWords.Contains(after);

    /// <summary>
    /// A pinyin form (falungong, flg) is a word of its own: the character next to an edge that
    /// <paramref name="edges"/> names (1 start, 2 end) must not fold to a Latin letter or digit, so
    /// conflgx or falungongs are not hits (ADR 0056). Chinese, spaces and punctuation are edges.
    /// </summary>
    public static bool IsWholeWord(ReadOnlySpan<char> original, int start, int end, byte edges, char[] map) =>
        ((edges & 1) == 0 || start == 0 || !char.IsAsciiLetterOrDigit(map[original[start - 1]]))
        && ((edges & 2) == 0 || end + 1 >= original.Length || !char.IsAsciiLetterOrDigit(map[original[end + 1]]));

    /// <summary>The nearest kept char from <paramref name="index"/> in direction <paramref name="step"/>, stopping at a clause break.</summary>
    private static char? Neighbour(ReadOnlySpan<char> original, int index, int step, char[] map)
    {
        for (var i = index; i >= 0 && i < original.Length; i += step)
        {
            var c = original[i];
            if (TextNormalizer.IsClauseBreak(c))
            {
                return null;
            }

            if (map[c] != TextNormalizer.Noise)
            {
                return map[c];
            }
        }

        return null;
    }
}
