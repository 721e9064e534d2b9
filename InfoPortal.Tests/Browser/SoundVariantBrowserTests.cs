using InfoPortal.Tests.TestSupport;
using System.Net.Http.Json;
using Microsoft.Playwright;

namespace InfoPortal.Tests.Browser;

/// <summary>
/// Issue 15 item 3 in Chromium: the 保密员 finds the word lists in the menu, adds a term that asks for
/// its pinyin, switches homophones on in the row; an officer's 保密自查 then shows the disguised forms
/// as warnings that say which form of which term they are.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class SoundVariantBrowserTests(BrowserFixture browser, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    [ChromiumFact]
    public async Task SecrecyOfficer_AsksForPinyinAndHomophones_OfficerSeesTheFormsAsWarnings()
    {
        // A list of 50,000 terms, imported through the API before the browser signs in (a new sign-in
        // of the same user ends the other session).
        int big;
        using (var api = await ApiClient.SignInAsync(browser.App, "secrecy"))
        {
            var created = await ApiClient.EnsureAsync(await api.Http.PostAsJsonAsync("/api/v1/screening/lists", new { name = "大词表", category = "Custom" }), System.Net.HttpStatusCode.Created);
            big = created.GetProperty("id").GetInt32();
            using var body = new StringContent(string.Join('\n', Enumerable.Range(0, 50_000).Select(i => $"压测词{i:D5}")), System.Text.Encoding.UTF8, "text/plain");
            await ApiClient.EnsureAsync(await api.Http.PostAsync($"/api/v1/screening/lists/{big}/import?format=text&level=Warn", body), System.Net.HttpStatusCode.OK);
        }

        var secrecy = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(secrecy, "secrecy");
        await secrecy.GotoAsync("/office");
        await BrowserFixture.WaitForCircuitAsync(secrecy);
        await secrecy.ClickAsync("nav a[href='/office/screening/lists']");
        await secrecy.Locator("[data-test=create-list]").WaitForAsync();
        await BrowserFixture.WaitForCircuitAsync(secrecy);
        await secrecy.Locator("input[data-test=new-list-name]").FillAsync("读音变体演示");
        await secrecy.ClickAsync("[data-test=create-list]");
        var list = secrecy.Locator("[data-test=word-list]", new() { HasText = "读音变体演示" });
        await list.WaitForAsync();

        await list.Locator("input[data-test=new-term]").FillAsync("法轮功");
        await list.Locator("[data-test=new-term-pinyin]").ClickAsync();
        await list.Locator("[data-test=add-term]").ClickAsync();
        var row = list.Locator("[data-test=term]", new() { HasText = "法轮功" });
        await row.WaitForAsync();
        Assert.True(await row.Locator("input[data-test=term-pinyin]").IsCheckedAsync());
        Assert.False(await row.Locator("input[data-test=term-homophones]").IsCheckedAsync());

        await row.Locator("input[data-test=term-homophones]").CheckAsync();
        await secrecy.Locator("[data-test=outcome]").WaitForAsync();
        await Assertions.Expect(row.Locator("input[data-test=term-homophones]")).ToBeCheckedAsync();
        await BrowserFixture.ScreenshotAsync(secrecy, "sound-variants-01-list");

        // At volume: the second list holds 50,000 terms. The page shows the first hundred with the
        // count, the filter finds one term, and the download comes from the server, not the markup.
        var loading = System.Diagnostics.Stopwatch.StartNew();
        await secrecy.GotoAsync("/office/screening/lists");
        await BrowserFixture.WaitForCircuitAsync(secrecy);
        await secrecy.Locator("h1[data-interactive=true]").WaitForAsync();
        output.WriteLine($"word lists with 50,000 terms interactive after {loading.ElapsedMilliseconds} ms");
        var bigList = secrecy.Locator("[data-test=word-list]", new() { HasText = "大词表" });
        await Assertions.Expect(bigList.Locator("[data-test=term-count]")).ToContainTextAsync("显示 100 个，符合 50000 个，共 50000 个");
        Assert.Equal(100, await bigList.Locator("[data-test=term]").CountAsync());
        await bigList.Locator("input[data-test=term-filter]").FillAsync("压测词4999");
        await Assertions.Expect(bigList.Locator("[data-test=term-count]")).ToContainTextAsync("显示 10 个，符合 10 个，共 50000 个");
        await BrowserFixture.ScreenshotAsync(secrecy, "sound-variants-02-big-list");
        var export = await secrecy.APIRequest.GetAsync($"/office/screening/lists/{big}/export?format=csv");
        Assert.Equal(200, export.Status);
        var csv = await export.TextAsync();
        Assert.StartsWith("\uFEFFterm,category,level,variants", csv, StringComparison.Ordinal);
        Assert.Contains("压测词49999,Custom,Warn,", csv, StringComparison.Ordinal);
        Assert.True((await secrecy.ContentAsync()).Length < 2_000_000, "the page holds the shown terms, not the lists");

        var officer = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(officer, "officer");
        await officer.GotoAsync("/office");
        await BrowserFixture.WaitForCircuitAsync(officer);
        await officer.ClickAsync("nav a[href='/office/screening/check']");
        await officer.Locator("textarea[data-test=check-text]").WaitForAsync();
        await BrowserFixture.WaitForCircuitAsync(officer);
        await officer.Locator("textarea[data-test=check-text]").FillAsync("查处 FaLunGong 宣传品，另有发轮功字样的传单；flags 不是拼音。");
        await officer.ClickAsync("[data-test=check]");
        var variants = officer.Locator("[data-test=screening-hit-variant]");
        await Assertions.Expect(variants).ToHaveCountAsync(2);
        Assert.Contains("读音变体：“法轮功”的拼音", await variants.Nth(0).InnerTextAsync());
        Assert.Contains("读音变体：“法轮功”的同音字写法", await variants.Nth(1).InnerTextAsync());
        foreach (var hit in await officer.Locator("[data-test=screening-hit]").AllAsync())
        {
            Assert.Equal("Warn", await hit.GetAttributeAsync("data-level"));
        }

        await BrowserFixture.ScreenshotAsync(officer, "sound-variants-03-check");
    }
}
