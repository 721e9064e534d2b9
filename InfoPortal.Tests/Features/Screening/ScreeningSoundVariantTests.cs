using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CsCheck;
using InfoPortal.Features.Screening.Engine;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Tests.Features.Screening;

/// <summary>
/// Issue 15 item 3 (ADR 0056): a list entry may ask for its pinyin (whole, initials, one character
/// in pinyin) and for same-sound characters. Off by default; such hits are warnings that name the
/// form they matched; pinyin is a word of its own, never letters inside a longer word.
/// </summary>
public sealed class ScreeningSoundVariantTests
{
    private static ScreeningEngine Engine(params ScreeningTerm[] terms) => ScreeningEngine.Compile([.. BuiltInTerms.All, .. terms]);

    private static readonly ScreeningTerm Flagged = new("法轮功", "Sensitive", ScreeningLevel.Block, TermVariants.Pinyin | TermVariants.Homophones);

    [Fact]
    public void The_forms_of_an_entry_are_its_pinyin_its_initials_one_character_in_pinyin_and_one_homophone()
    {
        var forms = SoundAlike.Expand("法轮功", TermVariants.Pinyin | TermVariants.Homophones);
        Assert.Contains(("falungong", SoundVariant.Pinyin), forms);
        Assert.Contains(("flg", SoundVariant.Initials), forms);
        Assert.Contains(("法lun功", SoundVariant.Pinyin), forms);
        Assert.Contains(("fa轮功", SoundVariant.Pinyin), forms);
        Assert.Contains(("发轮功", SoundVariant.Homophone), forms);
        Assert.Contains(("法伦功", SoundVariant.Homophone), forms);
        Assert.Contains(("法轮工", SoundVariant.Homophone), forms);
        // One character at a time, the entry itself never, each form once.
        Assert.DoesNotContain(forms, f => f.Form == "发伦功" || f.Form == "法轮功");
        Assert.Equal(forms.Count, forms.Select(f => f.Form).Distinct().Count());

        Assert.DoesNotContain(SoundAlike.Expand("法轮功", TermVariants.Pinyin), f => f.Kind == SoundVariant.Homophone);
        Assert.DoesNotContain(SoundAlike.Expand("法轮功", TermVariants.Homophones), f => f.Kind != SoundVariant.Homophone);
        Assert.Empty(SoundAlike.Expand("法轮功", TermVariants.None));
        // One character has no variants (its sound is everywhere); two have no initials (zg, xj are abbreviations of anything).
        Assert.Empty(SoundAlike.Expand("法", TermVariants.Pinyin | TermVariants.Homophones));
        Assert.DoesNotContain(SoundAlike.Expand("青山", TermVariants.Pinyin), f => f.Kind == SoundVariant.Initials);
        // A polyphone gives each of its readings (行: xing, hang); a long entry is capped.
        var polyphone = SoundAlike.Expand("银行卡", TermVariants.Pinyin).Select(f => f.Form).ToList();
        Assert.Contains("yinhangka", polyphone);
        Assert.Contains("yinxingka", polyphone);
        Assert.True(SoundAlike.Expand(new string('法', 60), TermVariants.Homophones | TermVariants.Pinyin).Count <= SoundAlike.MaxFormsPerTerm);
    }

    [Theory]
    [InlineData("他们宣传falungong的材料", "falungong", SoundVariant.Pinyin)]
    [InlineData("他们宣传FaLunGong的材料", "FaLunGong", SoundVariant.Pinyin)]
    [InlineData("他们宣传ＦＡＬＵＮＧＯＮＧ的材料", "ＦＡＬＵＮＧＯＮＧ", SoundVariant.Pinyin)]
    [InlineData("宣传 fa lun gong 材料", "fa lun gong", SoundVariant.Pinyin)]
    [InlineData("宣传flg材料", "flg", SoundVariant.Initials)]
    [InlineData("宣传 F.L.G 材料", "F.L.G", SoundVariant.Initials)]
    [InlineData("宣传法lun功材料", "法lun功", SoundVariant.Pinyin)]
    [InlineData("宣传发轮功材料", "发轮功", SoundVariant.Homophone)]
    [InlineData("宣传法伦功材料", "法伦功", SoundVariant.Homophone)]
    [InlineData("宣传發·轮·功材料", "發·轮·功", SoundVariant.Homophone)]
    public void A_flagged_entry_is_found_by_sound_as_a_warning_naming_the_form(string text, string form, SoundVariant kind)
    {
        var hit = Assert.Single(Engine(Flagged).Find(text), h => h.Term == "法轮功");
        Assert.Equal(form, text.Substring(hit.Start, hit.Length));
        Assert.Equal(kind, hit.Variant);
        Assert.Equal(ScreeningLevel.Warn, hit.Level);
        Assert.Equal("Sensitive", hit.Category);
    }

    private const string CommonCharacters = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研";

    [Fact]
    public void The_engine_stops_adding_forms_at_the_budget_whatever_the_table_holds()
    {
        // As if the Terms table had been edited by hand past the service's refusal: 20,000 entries asking for everything.
        var random = new Random(16);
        var terms = Enumerable.Range(0, 20_000)
            .Select(_ => new ScreeningTerm(string.Concat(Enumerable.Range(0, 4).Select(_ => CommonCharacters[random.Next(CommonCharacters.Length)])), "Sensitive", ScreeningLevel.Block, TermVariants.Pinyin | TermVariants.Homophones))
            .ToArray();
        var engine = ScreeningEngine.Compile(terms);
        var written = terms.Select(t => t.Text).Distinct().Count();
        Assert.InRange(engine.TermCount, written + SoundAlike.MaxForms, written + SoundAlike.MaxForms + SoundAlike.MaxFormsPerTerm);
    }

    [Fact]
    public void As_written_the_entry_keeps_its_level_and_is_no_variant()
    {
        var hit = Assert.Single(Engine(Flagged).Find("宣传法轮功材料"));
        Assert.Equal((ScreeningLevel.Block, SoundVariant.None), (hit.Level, hit.Variant));
    }

    [Theory]
    [InlineData("conflgx 与 flags 不是拼音")]
    [InlineData("falungongs")]
    [InlineData("xfalungong")]
    [InlineData("1flg2")]
    public void Pinyin_inside_a_longer_word_is_no_hit(string text) =>
        Assert.DoesNotContain(Engine(Flagged).Find(text), h => h.Term == "法轮功");

    [Theory]
    [InlineData("宣传falungong材料")]
    [InlineData("宣传发轮功材料")]
    [InlineData("宣传flg材料")]
    public void An_entry_that_does_not_ask_has_no_sound_variants(string text) =>
        Assert.Empty(Engine(Flagged with { Variants = TermVariants.None }).Find(text));

    [Fact]
    public void A_form_that_another_entry_spells_out_is_that_entry_at_its_own_level()
    {
        // 发轮功 is a homophone form of 法轮功, and a (made-up) entry of its own: it reports once, as written.
        var engine = Engine(Flagged, new ScreeningTerm("发轮功", "Sensitive", ScreeningLevel.Block));
        var hit = Assert.Single(engine.Find("宣传发轮功材料"));
        Assert.Equal(("发轮功", ScreeningLevel.Block, SoundVariant.None), (hit.Term, hit.Level, hit.Variant));
    }

    [Fact]
    public void Markings_and_other_disguises_behave_as_before_with_sound_variants_compiled()
    {
        var engine = Engine(Flagged);
        Assert.Contains(engine.Find("本文件为绝.密文件"), h => h.Term == "绝密" && h.Level == ScreeningLevel.Block);
        Assert.Contains(engine.Find("机密★10年"), h => h.Term.StartsWith("机密★", StringComparison.Ordinal));
        Assert.Contains(engine.Find("宣传法 轮 功"), h => h.Term == "法轮功" && h.Variant == SoundVariant.None);
        Assert.Empty(engine.Find("请于5个工作日内，部门负责人签字后报送办公室。"));
    }

    // Property: the automaton with sound variants equals a naive matcher that looks for every form of
    // every entry (written first, then variants) in the text with noise removed, pinyin as whole words.
    private const string Hanzi = "法轮功发伦工青山";
    private static readonly string[] TextExtras = ["fa", "lun", "gong", "f", "l", "g", "q", "s", " ", "x", "。", "qingshan", "1"];

    private static readonly Gen<(string Text, TermVariants Variants, bool Block)[]> FlaggedTerms =
        Gen.Select(Gen.Int[0, Hanzi.Length - 1].Array[2, 3], Gen.Int[0, 3], Gen.Bool,
            (chars, variants, block) => (string.Concat(chars.Select(i => Hanzi[i])), (TermVariants)variants, block))
        .Array[1, 4];

    private static readonly Gen<string> SoundText =
        Gen.Int[0, Hanzi.Length + TextExtras.Length - 1].Array[0, 40]
            .Select(a => string.Concat(a.Select(i => i < Hanzi.Length ? Hanzi[i].ToString() : TextExtras[i - Hanzi.Length])));

    [Fact]
    public void Sound_variants_match_a_naive_matcher_form_by_form()
    {
        Gen.Select(FlaggedTerms, SoundText).Sample((terms, text) =>
        {
            var list = terms.Select(t => new ScreeningTerm(t.Text, "Sensitive", t.Block ? ScreeningLevel.Block : ScreeningLevel.Warn, t.Variants)).ToArray();
            var expected = Naive(list, text);
            var engine = ScreeningEngine.Compile(list);
            Assert.Equal(expected, engine.Find(text));
            Assert.Equal(expected.Count, engine.Count(text, normalize: true));
        }, iter: 1000, print: t => $"terms=[{string.Join(",", t.Item1.Select(x => $"{x.Text}/{x.Variants}/{x.Block}"))}] text=\"{t.Item2}\"");
    }

    private static List<Hit> Naive(ScreeningTerm[] terms, string text)
    {
        // Written entries: one per text, the stricter level and every variant asked for.
        var written = terms.GroupBy(t => t.Text)
            .Select(g => (Text: g.Key, Level: g.Max(t => t.Level), Variants: g.Aggregate(TermVariants.None, (v, t) => v | t.Variants)))
            .OrderBy(w => Array.FindIndex(terms, t => t.Text == w.Text))
            .ToList();
        var forms = new Dictionary<string, (string Term, ScreeningLevel Level, SoundVariant Kind)>();
        foreach (var w in written)
        {
            forms[w.Text] = (w.Text, w.Level, SoundVariant.None);
        }

        foreach (var w in written)
        {
            foreach (var (form, kind) in SoundAlike.Expand(w.Text, w.Variants))
            {
                forms.TryAdd(form, (w.Text, ScreeningLevel.Warn, kind));
            }
        }

        var kept = new List<(char C, int At)>();
        for (var i = 0; i < text.Length; i++)
        {
            if (!char.IsWhiteSpace(text[i]) && text[i] != '。')
            {
                kept.Add((char.ToLowerInvariant(text[i]), i));
            }
        }

        var hits = new List<Hit>();
        foreach (var (form, (term, level, kind)) in forms)
        {
            for (var p = 0; p + form.Length <= kept.Count; p++)
            {
                if (!Enumerable.Range(0, form.Length).All(k => kept[p + k].C == form[k]))
                {
                    continue;
                }

                var start = kept[p].At;
                var end = kept[p + form.Length - 1].At;
                var pinyin = kind is SoundVariant.Pinyin or SoundVariant.Initials;
                if (pinyin && char.IsAsciiLetter(form[0]) && start > 0 && char.IsAsciiLetterOrDigit(text[start - 1]))
                {
                    continue;
                }

                if (pinyin && char.IsAsciiLetter(form[^1]) && end + 1 < text.Length && char.IsAsciiLetterOrDigit(text[end + 1]))
                {
                    continue;
                }

                hits.Add(new Hit(start, end - start + 1, term, "Sensitive", level, kind));
            }
        }

        return [.. hits.OrderBy(h => h.Start).ThenByDescending(h => h.Length).ThenBy(h => h.Term, StringComparer.Ordinal)];
    }

    // Through the API, on both databases: the flags are stored, imported, exported and used.
    private static async Task<JsonElement> CheckAsync(ApiClient client, string text) =>
        await ApiClient.EnsureAsync(await client.Http.PostAsJsonAsync("/api/v1/screening/check", new { text }), HttpStatusCode.OK);

    private static async Task<JsonElement> ImportCsvAsync(ApiClient client, int listId, string content, HttpStatusCode expected)
    {
        using var body = new StringContent(content, Encoding.UTF8, "text/plain");
        return await ApiClient.EnsureAsync(await client.Http.PostAsync($"/api/v1/screening/lists/{listId}/import?format=csv", body), expected);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Flags_are_stored_imported_exported_and_screen_submissions_as_warnings(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        using var secrecy = await ApiClient.SignInAsync(app, "secrecy");
        using var officer = await ApiClient.SignInAsync(app, "officer");
        var created = await ApiClient.EnsureAsync(await secrecy.Http.PostAsJsonAsync("/api/v1/screening/lists", new { name = "读音变体", category = "Sensitive" }), HttpStatusCode.Created);
        var list = created.GetProperty("id").GetInt32();

        var term = await ApiClient.EnsureAsync(await secrecy.Http.PostAsJsonAsync($"/api/v1/screening/lists/{list}/terms", new { text = "法轮功", level = "Block", pinyin = true, homophones = true }), HttpStatusCode.OK);
        Assert.True(term.GetProperty("pinyin").GetBoolean());
        Assert.True(term.GetProperty("homophones").GetBoolean());
        var plain = await ApiClient.EnsureAsync(await secrecy.Http.PostAsJsonAsync($"/api/v1/screening/lists/{list}/terms", new { text = "星火工程", level = "Block" }), HttpStatusCode.OK);
        Assert.False(plain.GetProperty("pinyin").GetBoolean());

        var pinyin = (await CheckAsync(officer, "宣传falungong的材料")).GetProperty("hits").EnumerateArray().Single();
        Assert.Equal(("法轮功", "falungong", "Warn", "Pinyin"), (pinyin.GetProperty("term").GetString(), pinyin.GetProperty("text").GetString(), pinyin.GetProperty("level").GetString(), pinyin.GetProperty("variant").GetString()));
        var homophone = (await CheckAsync(officer, "宣传发轮功的材料")).GetProperty("hits").EnumerateArray().Single();
        Assert.Equal(("Warn", "Homophone"), (homophone.GetProperty("level").GetString(), homophone.GetProperty("variant").GetString()));
        var exact = (await CheckAsync(officer, "宣传法轮功的材料")).GetProperty("hits").EnumerateArray().Single();
        Assert.Equal(("Block", JsonValueKind.Null), (exact.GetProperty("level").GetString(), exact.GetProperty("variant").ValueKind));
        Assert.Empty((await CheckAsync(officer, "xinghuogongcheng 与 星火功成")).GetProperty("hits").EnumerateArray());

        // Switched off again by an edit without the flags named: they stay; named false: they go.
        var termId = term.GetProperty("id").GetInt32();
        var kept = await ApiClient.EnsureAsync(await secrecy.Http.PutAsJsonAsync($"/api/v1/screening/terms/{termId}", new { text = "法轮功", level = "Block" }), HttpStatusCode.OK);
        Assert.True(kept.GetProperty("pinyin").GetBoolean());
        await ApiClient.EnsureAsync(await secrecy.Http.PutAsJsonAsync($"/api/v1/screening/terms/{termId}", new { text = "法轮功", level = "Block", pinyin = false, homophones = true }), HttpStatusCode.OK);
        Assert.Empty((await CheckAsync(officer, "宣传falungong的材料")).GetProperty("hits").EnumerateArray());
        Assert.Single((await CheckAsync(officer, "宣传发轮功的材料")).GetProperty("hits").EnumerateArray());

        // CSV: a fourth column asks for them (Chinese or English words); a bad word refuses the file with its line.
        var bad = await ImportCsvAsync(secrecy, list, "term,category,level,variants\n青山绿水,Sensitive,Block,拼音\n坏变体,Sensitive,Block,rhymes\n", HttpStatusCode.BadRequest);
        Assert.True(bad.GetProperty("errors").TryGetProperty("line 3", out _));
        Assert.Empty((await CheckAsync(officer, "qingshanlvshui")).GetProperty("hits").EnumerateArray());
        var imported = await ImportCsvAsync(secrecy, list, "term,category,level,variants\n青山绿水,Sensitive,Block,拼音\n星火工程,Sensitive,Block,pinyin+homophones\n", HttpStatusCode.OK);
        Assert.Equal((1, 1), (imported.GetProperty("added").GetInt32(), imported.GetProperty("updated").GetInt32()));
        Assert.Equal("Pinyin", (await CheckAsync(officer, "qingshan lvshui")).GetProperty("hits").EnumerateArray().Single().GetProperty("variant").GetString());
        Assert.Equal("Initials", (await CheckAsync(officer, "见 xhgc 文件")).GetProperty("hits").EnumerateArray().Single().GetProperty("variant").GetString());
        // A three-column file leaves the flags of existing terms as they are.
        await ImportCsvAsync(secrecy, list, "term,category,level\n星火工程,Sensitive,Warn\n", HttpStatusCode.OK);
        Assert.Single((await CheckAsync(officer, "见 xhgc 文件")).GetProperty("hits").EnumerateArray());

        using var export = await secrecy.Http.GetAsync($"/api/v1/screening/lists/{list}/export?format=csv");
        var csv = await export.Content.ReadAsStringAsync();
        Assert.Contains("term,category,level,variants", csv, StringComparison.Ordinal);
        Assert.Contains("星火工程,Sensitive,Warn,pinyin+homophones", csv, StringComparison.Ordinal);
        Assert.Contains("法轮功,Sensitive,Block,homophones", csv, StringComparison.Ordinal);

        // An import that would expand past the budget is refused whole: 3,000 four-character terms with
        // homophones would compile to ~500,000 forms. Nothing is written, the engine is unchanged.
        var random = new Random(15);
        var many = new HashSet<string>();
        while (many.Count < 3000)
        {
            many.Add(string.Concat(Enumerable.Range(0, 4).Select(_ => CommonCharacters[random.Next(CommonCharacters.Length)])));
        }

        var refused = await ImportCsvAsync(secrecy, list, "term,category,level,variants\n" + string.Concat(many.Select(t => $"{t},Sensitive,Block,homophones\n")), HttpStatusCode.BadRequest);
        Assert.True(refused.GetProperty("errors").TryGetProperty("variants", out _));
        Assert.Contains("200,000", refused.GetProperty("errors").GetProperty("variants")[0].GetString(), StringComparison.Ordinal);
        var afterRefusal = await ApiClient.EnsureAsync(await secrecy.Http.GetAsync("/api/v1/screening/lists"), HttpStatusCode.OK);
        Assert.Equal(3, afterRefusal.GetProperty("lists").EnumerateArray().Single(l => l.GetProperty("id").GetInt32() == list).GetProperty("terms").GetArrayLength());
        Assert.Empty((await CheckAsync(officer, "宣传" + many.First() + "材料")).GetProperty("hits").EnumerateArray());

        // A submission with a sound form is a warning (accepted for review), stored with the form it matched;
        // a hit as written stores no variant at all, so results recorded before sound variants compare equal.
        var id = await officer.DraftAsync("工作动态", body: "<p>查处发轮功宣传品，星火工程另行通报。</p>");
        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);
        await using var db = app.CreateDbContext();
        var stored = await db.ScreeningResults.Where(r => r.RequestId == id).OrderByDescending(r => r.Id).Select(r => r.HitsJson).FirstAsync();
        Assert.Contains("\"variant\":\"Homophone\"", stored, StringComparison.Ordinal);
        Assert.Contains("星火工程", stored, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(stored, "\"variant\""));
    }
}
