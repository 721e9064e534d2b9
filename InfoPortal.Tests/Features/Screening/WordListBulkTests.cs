using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace InfoPortal.Tests.Features.Screening;

/// <summary>
/// Issue 15: importing and deleting a 50,000-term list no longer holds the database's write lock for
/// minutes. Sign-ins (which write: security stamp, session, audit) run alongside the import and the
/// delete and every one of them succeeds; the list's terms are all there after the import, in the
/// engine, and all gone after the delete.
/// </summary>
public sealed class WordListBulkTests(ITestOutputHelper output)
{
    private const int TermCount = 50_000;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Import_and_delete_50k_terms_while_sign_ins_run_alongside_all_succeed(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        using var secrecy = await ApiClient.SignInAsync(app, "secrecy");
        var created = await ApiClient.EnsureAsync(await secrecy.Http.PostAsJsonAsync("/api/v1/screening/lists", new { name = "大词表", category = "Sensitive" }), HttpStatusCode.Created);
        var listId = created.GetProperty("id").GetInt32();
        var terms = Terms(TermCount);

        using var stop = new CancellationTokenSource();
        var failures = new ConcurrentBag<string>();
        var during = new ConcurrentBag<string>();
        var latency = new ConcurrentBag<(string Phase, double Ms)>();
        var phase = "idle";
        async Task SignInLoop(string user)
        {
            while (!stop.IsCancellationRequested)
            {
                using var client = app.CreatePortalClient();
                var started = Stopwatch.StartNew();
                var response = await client.PostSignInAsync(user, PortalFactory.DemoPassword);
                latency.Add((Volatile.Read(ref phase), started.Elapsed.TotalMilliseconds));
                var location = response.Headers.Location?.OriginalString ?? "";
                if (response.StatusCode != HttpStatusCode.Redirect || location.StartsWith("/account", StringComparison.Ordinal))
                {
                    failures.Add($"{user}: {(int)response.StatusCode} {location}");
                }
                else
                {
                    during.Add(Volatile.Read(ref phase));
                }
            }
        }

        var loops = new[] { "officer", "depthead", "publisher" }.Select(u => Task.Run(() => SignInLoop(u))).ToArray();
        // The loops have started writing before the bulk work begins.
        await WaitUntilAsync(() => !during.IsEmpty, TimeSpan.FromSeconds(60));

        Volatile.Write(ref phase, "import");
        var watch = Stopwatch.StartNew();
        using (var body = new StringContent(string.Join('\n', terms), Encoding.UTF8, "text/plain"))
        {
            var imported = await ApiClient.EnsureAsync(await secrecy.Http.PostAsync($"/api/v1/screening/lists/{listId}/import?format=text&level=Warn", body), HttpStatusCode.OK);
            Assert.Equal(TermCount, imported.GetProperty("added").GetInt32());
        }

        var importTime = watch.Elapsed;
        await using (var db = app.CreateDbContext())
        {
            Assert.Equal(TermCount, await db.Terms.CountAsync(t => t.WordListId == listId));
        }

        // The new list is in the engine: a term from the middle of it is found.
        var check = await secrecy.Http.PostAsJsonAsync("/api/v1/screening/check", new { text = "正文" + terms[TermCount / 2] + "结束" });
        var hits = (await check.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("hits");
        Assert.Contains(hits.EnumerateArray(), h => h.GetProperty("term").GetString() == terms[TermCount / 2]);

        // Importing the same file again changes nothing and is not refused.
        using (var again = new StringContent(string.Join('\n', terms.Take(1000)), Encoding.UTF8, "text/plain"))
        {
            var second = await ApiClient.EnsureAsync(await secrecy.Http.PostAsync($"/api/v1/screening/lists/{listId}/import?format=text&level=Block", again), HttpStatusCode.OK);
            Assert.Equal((0, 1000), (second.GetProperty("added").GetInt32(), second.GetProperty("updated").GetInt32()));
        }

        // Issue 15's first defect through the API: four ordinary lines with punctuation, imported as
        // warnings, leave the disguised markings blocked.
        var small = await ApiClient.EnsureAsync(await secrecy.Http.PostAsJsonAsync("/api/v1/screening/lists", new { name = "标点词", category = "Sensitive" }), HttpStatusCode.Created);
        using (var lines = new StringContent("www.example-site.com\n气枪价格，气枪专卖店\n真、善、忍\n六。四\n", Encoding.UTF8, "text/plain"))
        {
            await ApiClient.EnsureAsync(await secrecy.Http.PostAsync($"/api/v1/screening/lists/{small.GetProperty("id").GetInt32()}/import?format=text&level=Warn", lines), HttpStatusCode.OK);
        }

        foreach (var (text, marking) in new[] { ("本文件为绝.密文件", "绝密"), ("本文件属机，密文件", "机密"), ("这是内、部资料，请勿外传", "内部资料") })
        {
            var result = await (await secrecy.Http.PostAsJsonAsync("/api/v1/screening/check", new { text })).Content.ReadFromJsonAsync<JsonElement>();
            Assert.Contains(result.GetProperty("hits").EnumerateArray(), h => h.GetProperty("term").GetString() == marking && h.GetProperty("level").GetString() == "Block");
        }

        Volatile.Write(ref phase, "delete");
        watch.Restart();
        Assert.Equal(HttpStatusCode.NoContent, (await secrecy.Http.DeleteAsync($"/api/v1/screening/lists/{listId}")).StatusCode);
        var deleteTime = watch.Elapsed;
        Volatile.Write(ref phase, "after");
        await WaitUntilAsync(() => during.Contains("after"), TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await Task.WhenAll(loops);

        await using (var db = app.CreateDbContext())
        {
            Assert.False(await db.WordLists.AnyAsync(l => l.Id == listId));
            Assert.Equal(3, await db.AuditRecords.CountAsync(a => a.Action == "WordListImported"));
            Assert.Equal(4, await db.Terms.CountAsync());
        }

        output.WriteLine($"{provider}: import {TermCount} in {importTime.TotalMilliseconds:F0} ms, delete in {deleteTime.TotalMilliseconds:F0} ms; " +
                         $"sign-ins: {during.Count(p => p == "import")} during import, {during.Count(p => p == "delete")} during delete, {during.Count} in all; " +
                         $"slowest sign-in {latency.Where(l => l.Phase == "idle").Select(l => l.Ms).DefaultIfEmpty().Max():F0} ms before, {latency.Where(l => l.Phase is "import" or "delete").Select(l => l.Ms).DefaultIfEmpty().Max():F0} ms during");
        Assert.Empty(failures);
    }

    /// <summary>Distinct generated 3–6-char CJK strings (no third-party list).</summary>
    private static string[] Terms(int count)
    {
        var random = new Random(15);
        var set = new HashSet<string>(StringComparer.Ordinal);
        var buffer = new char[6];
        while (set.Count < count)
        {
            var length = random.Next(3, 7);
            for (var i = 0; i < length; i++)
            {
                buffer[i] = (char)random.Next(0x4E00, 0x9FA6);
            }

            set.Add(new string(buffer, 0, length));
        }

        return [.. set];
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(20);
        }
    }
}
