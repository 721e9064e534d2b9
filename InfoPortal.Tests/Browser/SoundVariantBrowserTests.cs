using InfoPortal.Tests.TestSupport;
using Microsoft.Playwright;

namespace InfoPortal.Tests.Browser;

/// <summary>
/// Issue 15 item 3 in Chromium: the 保密员 finds the word lists in the menu, adds a term that asks for
/// its pinyin, switches homophones on in the row; an officer's 保密自查 then shows the disguised forms
/// as warnings that say which form of which term they are.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class SoundVariantBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [ChromiumFact]
    public async Task SecrecyOfficer_AsksForPinyinAndHomophones_OfficerSeesTheFormsAsWarnings()
    {
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

        await BrowserFixture.ScreenshotAsync(officer, "sound-variants-02-check");
    }
}
