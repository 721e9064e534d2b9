using System.Net;
using InfoPortal.Tests.TestSupport;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace InfoPortal.Tests.Browser;

/// <summary>
/// Issue 12 item 5: a reviewer's circuit holds only what the page shows. Thirty 办公室主任 tabs on
/// the review queue, each a live circuit in Chromium, are measured by the managed heap they add
/// once the collector has run — with the queue empty, then with 50 items on the page. Browser tests
/// run alone, so the process heap is the circuits' and Playwright's messages; closing the tabs must
/// give the memory back. A memory bound, not a timing: it holds on a busy machine as on an idle one.
/// The budgets are what ADR 0055 reached (the goal, 300 KB, is not met; the note says what
/// bounds it); before that change the empty queue took 1,190–1,271 KB and every row ~12 components.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class CircuitSizeBrowserTests(BrowserFixture browser, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    private const int Circuits = 30;

    private static long Heap()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }

    [ChromiumFact]
    public async Task ReviewQueueCircuits_StayWithinTheirBudget_EmptyAndWith50Rows_AndGiveItBackWhenClosed()
    {
        // One signed-in context (the cookie shared by every tab), one warm-up tab: the first circuit
        // pays for what is built once (component metadata, the queue's compiled queries).
        var first = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(first, "director");
        await first.GotoAsync("/office/review");
        await BrowserFixture.WaitForCircuitAsync(first);
        await browser.Circuits.WaitUntilAsync(open => open == 1, TimeSpan.FromSeconds(60));

        // The reference, in the same run: as many tabs on the public home page, which has no circuit
        // (what Playwright's page objects and the HTTP connections cost the process by themselves).
        var reference = Math.Max(0, await MeasureAsync(first.Context, "reference (public home, no circuit)", "/", circuits: false));
        var empty = await MeasureAsync(first.Context, "review queue, empty", "/office/review", circuits: true) - reference;
        Assert.Equal(0, await CountRowsAsync(first.Context));

        // Fifty items waiting at the director, as a busy month has them.
        using (var officer = await ApiClient.SignInAsync(browser.App, "officer"))
        using (var depthead = await ApiClient.SignInAsync(browser.App, "depthead"))
        {
            for (var i = 0; i < 50; i++)
            {
                var id = await officer.DraftAsync($"内存测量用的申请 {i}");
                await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);
                await ApiClient.EnsureAsync(await depthead.ApproveAsync(id), HttpStatusCode.OK);
            }
        }

        Assert.Equal(50, await CountRowsAsync(first.Context));
        var full = await MeasureAsync(first.Context, "review queue, 50 rows", "/office/review", circuits: true) - reference;
        output.WriteLine($"per circuit, less the reference tab: {empty / 1024:N0} KB empty, {full / 1024:N0} KB with 50 rows");
        Assert.True(empty <= 800 * 1024, $"{empty / 1024:N0} KB per review-queue circuit with the queue empty (budget 800 KB; 1,190-1,271 KB before ADR 0055)");
        Assert.True(full <= 1100 * 1024, $"{full / 1024:N0} KB per review-queue circuit with 50 rows (budget 1,100 KB)");
    }

    private static async Task<int> CountRowsAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/office/review");
        await BrowserFixture.WaitForCircuitAsync(page);
        var rows = await page.Locator("[data-test=queue-title]").CountAsync();
        await page.CloseAsync();
        return rows;
    }

    /// <summary>Opens <see cref="Circuits"/> tabs on <paramref name="path"/>, returns the heap each adds, closes them and checks the heap comes back.</summary>
    private async Task<long> MeasureAsync(IBrowserContext context, string name, string path, bool circuits)
    {
        // One tab first, so what is built once per process is in the baseline.
        var warm = await context.NewPageAsync();
        await OpenAsync(warm, path, circuits);
        await warm.CloseAsync();
        await browser.Circuits.WaitUntilAsync(open => open == 1, TimeSpan.FromSeconds(60));

        var before = Heap();
        var pages = new List<IPage>();
        for (var i = 0; i < Circuits; i++)
        {
            var page = await context.NewPageAsync();
            await OpenAsync(page, path, circuits);
            pages.Add(page);
        }

        await browser.Circuits.WaitUntilAsync(open => open == (circuits ? Circuits + 1 : 1), TimeSpan.FromSeconds(60));
        var open = Heap();
        var perTab = (open - before) / Circuits;
        await BrowserFixture.ScreenshotAsync(pages[^1], "circuit-size-" + string.Concat(name.Where(char.IsAsciiLetterOrDigit)));
        foreach (var page in pages)
        {
            await page.CloseAsync();
        }

        // A closed tab ends its circuit (a graceful disconnect): wait for the server to close them all.
        await browser.Circuits.WaitUntilAsync(count => count <= 1, TimeSpan.FromSeconds(60));
        var after = Heap();
        output.WriteLine($"{name}: managed heap {before / 1024:N0} KB before, {open / 1024:N0} KB with {Circuits} tabs open ({perTab / 1024:N0} KB each), {after / 1024:N0} KB after closing them");
        Assert.True(after - before <= Math.Max((open - before) / 2, 2 * 1024 * 1024), $"{name}: closing {Circuits} tabs left {(after - before) / 1024:N0} KB of {(open - before) / 1024:N0} KB behind");
        return perTab;
    }

    private static async Task OpenAsync(IPage page, string path, bool circuit)
    {
        await page.GotoAsync(path);
        if (circuit)
        {
            await BrowserFixture.WaitForCircuitAsync(page);
        }
        else
        {
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        }
    }
}
