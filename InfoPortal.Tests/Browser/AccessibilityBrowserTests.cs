using System.Net;
using System.Net.Http.Json;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using InfoPortal.Tests.TestSupport;
using Xunit.Abstractions;

namespace InfoPortal.Tests.Browser;

/// <summary>axe-core in Chromium over the public pages: no serious or critical violations (WCAG 2.1 AA rules).</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class AccessibilityBrowserTests(BrowserFixture browser, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    [ChromiumFact]
    public async Task PublicPages_HaveNoSeriousOrCriticalViolations()
    {
        using var officer = await ApiClient.SignInAsync(browser.App, "officer");
        using var depthead = await ApiClient.SignInAsync(browser.App, "depthead");
        using var director = await ApiClient.SignInAsync(browser.App, "director");
        using var publisher = await ApiClient.SignInAsync(browser.App, "publisher");
        var column = await officer.ColumnIdAsync("工作动态");
        var id = await officer.DraftAsync("无障碍检查用的文章", body: "<h2>小标题</h2><p>正文段落。</p><ul><li>要点一</li></ul><table><tr><th>单位</th><th>时间</th></tr><tr><td>城关所</td><td>12月</td></tr></table>");
        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await depthead.ApproveAsync(id), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await director.ApproveAsync(id), HttpStatusCode.OK);
        await ApiClient.ApproveRemainingAsync(browser.App, id, director); // the internet needs a leader (ADR 0045)
        await ApiClient.EnsureAsync(await publisher.PublishAsync(id), HttpStatusCode.OK);

        var options = new AxeRunOptions { RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } };
        var failures = new List<string>();
        foreach (var path in new[] { "/", $"/columns/{column}", $"/articles/{id}", "/search?q=" + Uri.EscapeDataString("文章"), "/account/login", "/display/set?contrast=high&redirectUri=%2F" })
        {
            var page = await browser.NewPageAsync();
            await page.GotoAsync(path);
            var result = await page.RunAxe(options);
            foreach (var violation in result.Violations.Where(v => v.Impact is "serious" or "critical"))
            {
                failures.Add($"{path}: {violation.Id} ({violation.Impact}) — {violation.Help} — {string.Join(" | ", violation.Nodes.Take(3).Select(n => n.Html))}");
            }

            output.WriteLine($"{path}: {result.Violations.Length} violations, {result.Passes.Length} passes");
        }

        Assert.Empty(failures);
    }
}

/// <summary>axe over back-office pages (MudBlazor): every finding is written out; serious and critical ones fail.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class BackOfficeAccessibilityBrowserTests(BrowserFixture browser, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    [ChromiumFact]
    public async Task BackOfficePages_HaveNoSeriousOrCriticalViolations_AndFindingsAreListed()
    {
        var options = new AxeRunOptions { RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } };
        var critical = new List<string>();
        using (var director = await ApiClient.SignInAsync(browser.App, "director"))
        {
            // Something to show on the column-change page.
            await ApiClient.EnsureAsync(await director.Http.PostAsJsonAsync("/api/v1/columns/changes", new { kind = "Create", site = "External", name = "无障碍专栏", reason = "检查页面。" }), HttpStatusCode.Created);
        }

        foreach (var (user, path) in new[] { ("officer", "/office"), ("officer", "/office/requests/new"), ("depthead", "/office/review"), ("sysadmin", "/admin/users"),
                     ("officer", "/office/requests"), ("publisher", "/office/columns"), ("leader", "/office/columns/changes"), ("publisher", "/office/columns/stale") })
        {
            var page = await browser.NewPageAsync();
            await BrowserFixture.SignInAsync(page, user);
            await page.GotoAsync(path);
            await BrowserFixture.WaitForCircuitAsync(page);
            var result = await page.RunAxe(options);
            foreach (var v in result.Violations)
            {
                var line = $"{path}: {v.Id} ({v.Impact}) × {v.Nodes.Length} — {v.Help} — {string.Join(" | ", v.Nodes.Take(2).Select(n => n.Html))}";
                output.WriteLine(line);
                File.AppendAllText(Path.Combine(BrowserFixture.ScreenshotFolder, "axe-back-office.txt"), line + Environment.NewLine);
                if (v.Impact is "critical" or "serious") critical.Add(line);
            }

            output.WriteLine($"{user} {path}: {result.Violations.Length} violations, {result.Passes.Length} passes");
            Assert.True(result.Passes.Length > 10, $"axe checked almost nothing on {path}"); // the page really rendered
        }

        Assert.Empty(critical);
    }
}
