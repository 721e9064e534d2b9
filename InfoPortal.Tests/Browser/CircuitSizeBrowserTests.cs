using System.Net;
using InfoPortal.Tests.TestSupport;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace InfoPortal.Tests.Browser;

/// <summary>
/// Issue 12 item 5: a reviewer's circuit holds only what the page shows. Thirty 办公室主任 tabs sit on
/// the public home page (no circuit), then each goes to the review queue and opens a live circuit in
/// Chromium; the managed heap the circuits add, once the collector has run, is measured with the
/// queue empty and with 50 items on the page. The same tabs on both sides, so what Playwright's page
/// objects and the connections cost falls out. Browser tests run alone. A memory bound, not a timing:
/// it holds on a busy machine as on an idle one. The empty queue's budget is the goal, 300 KB
/// (ADR 0062: 255-278 KB; the code before it, 685 KB). The circuits must be given back when
/// the tabs leave: a second round may not add to what the first left behind (which is
/// ArrayPool.Shared keeping the returned render-tree buffers for reuse).
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

        var empty = await MeasureAsync(first.Context, "review queue, empty");
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
        var full = await MeasureAsync(first.Context, "review queue, 50 rows");
        output.WriteLine($"per circuit: {empty / 1024:N0} KB empty, {full / 1024:N0} KB with 50 rows");
        Assert.True(empty <= 300 * 1024, $"{empty / 1024:N0} KB per review-queue circuit with the queue empty (budget 300 KB, the issue's goal; 685 KB on the code before ADR 0062)");
        Assert.True(full <= 600 * 1024, $"{full / 1024:N0} KB per review-queue circuit with 50 rows (budget 600 KB; 888 KB on the code before ADR 0062)");
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

    /// <summary>
    /// Opens <see cref="Circuits"/> tabs on the public home, moves each to the review queue, returns
    /// the heap each circuit adds; then sends the tabs back (their circuits end), twice, and checks
    /// that the second round keeps nothing the first did not.
    /// </summary>
    private async Task<long> MeasureAsync(IBrowserContext context, string name)
    {
        // One tab first, so what is built once per process is in the baseline.
        var warm = await context.NewPageAsync();
        await OpenAsync(warm, "/office/review", circuit: true);
        await warm.CloseAsync();
        await browser.Circuits.WaitUntilAsync(open => open == 1, TimeSpan.FromSeconds(60));

        var pages = new List<IPage>();
        for (var i = 0; i < Circuits; i++)
        {
            var page = await context.NewPageAsync();
            await OpenAsync(page, "/", circuit: false);
            pages.Add(page);
        }

        var atRest = Heap();
        await RoundAsync(pages);
        var open = Heap();
        var perTab = (open - atRest) / Circuits;
        await BrowserFixture.ScreenshotAsync(pages[^1], "circuit-size-" + string.Concat(name.Where(char.IsAsciiLetterOrDigit)));
        await LeaveAsync(pages);
        var after = Heap();

        // What stays after the circuits end is mostly ArrayPool.Shared keeping the returned render-tree
        // buffers for the next renders (a heap dump showed 5.5 MB of them after 30 tabs of 50 rows,
        // ADR 0062), so "less than before" cannot tell a leak from a pool. A second round can: kept
        // circuits add a round's worth again, pooled buffers are reused.
        await RoundAsync(pages);
        await LeaveAsync(pages);
        var again = Heap();
        foreach (var page in pages)
        {
            await page.CloseAsync();
        }

        output.WriteLine($"{name}: managed heap {atRest / 1024:N0} KB with {Circuits} tabs on the public home, {open / 1024:N0} KB with them on the queue ({perTab / 1024:N0} KB per circuit), {after / 1024:N0} KB back on the home page, {again / 1024:N0} KB after a second round");
        Assert.True(again - after <= Math.Max((open - atRest) / 4, 1024 * 1024), $"{name}: a second round of {Circuits} circuits left {(again - after) / 1024:N0} KB more behind than the first ({(open - atRest) / 1024:N0} KB while open): ended circuits are kept");
        return perTab;
    }

    private async Task RoundAsync(List<IPage> pages)
    {
        foreach (var page in pages)
        {
            await OpenAsync(page, "/office/review", circuit: true);
        }

        await browser.Circuits.WaitUntilAsync(open => open == Circuits + 1, TimeSpan.FromSeconds(60));
    }

    /// <summary>Back to the public home: a full navigation ends each circuit (a graceful disconnect).</summary>
    private async Task LeaveAsync(List<IPage> pages)
    {
        foreach (var page in pages)
        {
            await OpenAsync(page, "/", circuit: false);
        }

        await browser.Circuits.WaitUntilAsync(count => count <= 1, TimeSpan.FromSeconds(60));
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
