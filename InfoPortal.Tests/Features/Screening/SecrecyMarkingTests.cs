using System.Net;
using System.Net.Http.Json;
using InfoPortal.Features.Screening.Engine;
using InfoPortal.Tests.TestSupport;

namespace InfoPortal.Tests.Features.Screening;

/// <summary>
/// 保密制度 六(三)(四): confidential-telegram formats (机要, 密码电报, 内部明电, 〈省/市/县名〉发电) and
/// document markings (内部文件（资料）, 注意保存/保管/保密) block, disguised or not; ordinary
/// intranet notices (内网-仅内部通知) and energy news (甘肃省发电量) do not (issues 11 and 14).
/// </summary>
public sealed class SecrecyMarkingTests
{
    private static readonly ScreeningEngine Agency = ScreeningEngine.Compile(BuiltInTerms.For(["甘肃省", "张掖市", "甘州区"]));

    [Theory]
    [InlineData("此件经机要渠道传递", "机要")]
    [InlineData("根据密码电报精神", "密码电报")]
    [InlineData("内部明电：关于做好防汛工作的通知", "内部明电")]
    [InlineData("甘肃省发电〔2024〕12号", "甘肃省发电")]
    [InlineData("张掖市发电：关于春季防火", "张掖市发电")]
    [InlineData("甘州区发电（明传）", "甘州区发电")]
    [InlineData("四川省发电", "四川省发电")]
    [InlineData("内部文件（资料） 注意保存", "内部文件")]
    [InlineData("请注意保存本件", "注意保存")]
    [InlineData("阅后注意保管", "注意保管")]
    [InlineData("本件注意保密", "注意保密")]
    [InlineData("属于内部事项，不得上网", "内部事项")]
    // Disguised the way the engine already reads disguises: noise, traditional characters, full width.
    [InlineData("甘.肃.省.发.电", "甘肃省发电")]
    [InlineData("張掖市發電", "张掖市发电")]
    [InlineData("密 码 电 报", "密码电报")]
    [InlineData("内★部★明★电", "内部明电")]
    public void Telegram_and_document_markings_block(string text, string marking)
    {
        var hit = Assert.Single(Agency.Find(text), h => h.Term == marking);
        Assert.Equal(ScreeningLevel.Block, hit.Level);
        Assert.Equal(BuiltInTerms.SecrecyMarkCategory, hit.Category);
    }

    [Theory]
    [InlineData("内网-仅内部通知")]
    [InlineData("加强部门内部管理，完善内部控制制度")]
    [InlineData("局内部网站改版工作已完成")]
    [InlineData("1—10月甘肃省发电量同比增长8%")]
    [InlineData("张掖市发电企业迎峰度冬保供应")]
    [InlineData("甘肃省发电装机容量突破一亿千瓦")]
    [InlineData("风力发电项目落地张掖")]
    public void Ordinary_notices_and_energy_news_give_no_hit(string text)
    {
        Assert.Empty(Agency.Find(text));
        Assert.Equal(0, Agency.Count(text, normalize: true));
    }

    [Fact]
    public void The_agencys_places_come_from_configuration_and_every_province_is_built_in()
    {
        Assert.Empty(ScreeningEngine.Compile(BuiltInTerms.All).Find("张掖市发电"));
        Assert.Single(ScreeningEngine.Compile(BuiltInTerms.All).Find("甘肃省发电"));
        Assert.Equal(34, BuiltInTerms.Provinces.Count);
    }

    [Fact]
    public void The_seed_policies_hit_only_where_they_name_a_marking()
    {
        var seed = File.ReadAllText(ScreeningFixtures.SeedPolicyPath());
        var hits = Agency.Find(seed);
        Assert.NotEmpty(hits);
        foreach (var hit in hits)
        {
            // The policies name markings only in their secrecy clauses: forbidding them (不得/严禁/禁止),
            // listing them (六、…) or defining the classification levels. Each hit's sentence says so.
            var sentence = Sentence(seed, hit.Start);
            Assert.True(NamesAMarking(sentence), $"hit “{hit.Term}” in an ordinary sentence: {sentence}");
        }

        // And the telegram clause is read: 机要, 内部明电 and 注意保密 are all found there.
        Assert.Contains(hits, h => h.Term == "内部明电");
        Assert.Contains(hits, h => h.Term == "机要");
    }

    private static readonly string[] MarkingContext =
        ["不得", "严禁", "禁止", "不准", "不宜", "国家秘密", "涉密", "保密", "密级", "标识", "标志", "电报", "内部明电", "机要", "发电", "内部资料", "内部文件", "内部事项"];

    private static bool NamesAMarking(string sentence) => MarkingContext.Any(w => sentence.Contains(w, StringComparison.Ordinal));

    private static string Sentence(string text, int index)
    {
        var breaks = "。；！？\n";
        var start = text.LastIndexOfAny(breaks.ToCharArray(), Math.Max(0, index - 1)) + 1;
        var end = text.IndexOfAny(breaks.ToCharArray(), index);
        return text[start..(end < 0 ? text.Length : end)];
    }

    [Fact]
    public async Task The_configured_places_reach_the_running_engine()
    {
        await using var app = new PortalFactory().With($"{BuiltInTerms.PlacesSection}:0", "临泽县");
        using var officer = await ApiClient.SignInAsync(app, "officer");
        var response = await officer.Http.PostAsJsonAsync("/api/v1/screening/check", new { text = "临泽县发电：关于防汛" });
        var json = await ApiClient.EnsureAsync(response, HttpStatusCode.OK);
        Assert.Contains(json.GetProperty("hits").EnumerateArray(), h => h.GetProperty("term").GetString() == "临泽县发电");

        var ordinary = await ApiClient.EnsureAsync(await officer.Http.PostAsJsonAsync("/api/v1/screening/check", new { text = "内网-仅内部通知" }), HttpStatusCode.OK);
        Assert.Empty(ordinary.GetProperty("hits").EnumerateArray());
    }
}
