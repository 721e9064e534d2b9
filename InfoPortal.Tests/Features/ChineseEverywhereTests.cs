using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using InfoPortal.Tests.TestSupport;
using Microsoft.AspNetCore.Components;

namespace InfoPortal.Tests.Features;

/// <summary>
/// Issue 11 "Chinese everywhere, no codes": every back-office and public page, rendered (prerendered
/// HTML) for each role in zh-CN, carries no resource key and no untranslated enum name; every API
/// problem's <c>detail</c> and every warning the API returns is a sentence, not a key.
/// </summary>
public sealed partial class ChineseEverywhereTests(ChineseEverywhereTests.Fixture fixture) : IClassFixture<ChineseEverywhereTests.Fixture>
{
    public static readonly string[] Users = ["officer", "depthead", "director", "leader", "principal", "publisher", "secrecy", "assessor", "sysadmin", "auditor"];

    /// <summary>A real app with one request in each interesting state and a public message, so the pages have rows to render.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public PortalFactory App { get; } = new();

        public Dictionary<string, string> Ids { get; } = [];

        public async Task InitializeAsync()
        {
            using var officer = await ApiClient.SignInAsync(App, "officer");
            using var head = await ApiClient.SignInAsync(App, "depthead");
            using var director = await ApiClient.SignInAsync(App, "director");
            using var publisher = await ApiClient.SignInAsync(App, "publisher");

            var draft = await officer.DraftAsync("草稿：县局工作简报", eventDate: DateOnly.FromDateTime(DateTime.Today).AddDays(-30));
            var returned = await officer.DraftAsync("退回：县局工作简报");
            await ApiClient.EnsureAsync(await officer.SubmitAsync(returned), HttpStatusCode.OK);
            await ApiClient.EnsureAsync(await head.DecideAsync(returned, "Return", "请补充会议时间。"), HttpStatusCode.OK);
            var published = await officer.DraftAsync("已发布：县局召开药品安全会议");
            await ApiClient.EnsureAsync(await officer.SubmitAsync(published), HttpStatusCode.OK);
            await ApiClient.EnsureAsync(await head.ApproveAsync(published), HttpStatusCode.OK);
            await ApiClient.EnsureAsync(await director.ApproveAsync(published), HttpStatusCode.OK);
            await ApiClient.ApproveRemainingAsync(App, published, director); // the internet needs a leader (ADR 0045)
            await ApiClient.EnsureAsync(await publisher.PublishAsync(published), HttpStatusCode.OK);
            var inReview = await officer.DraftAsync("审核中：县局工作动态");
            await ApiClient.EnsureAsync(await officer.SubmitAsync(inReview), HttpStatusCode.OK);

            using var anonymous = App.CreatePortalClient();
            var message = await anonymous.PostAsJsonAsync("/api/v1/public/messages", new { kind = "Inquiry", subject = "咨询办事时间", text = "请问周六是否办公？", consent = true });
            var ticket = (await ApiClient.EnsureAsync(message, HttpStatusCode.Created)).GetProperty("ticket").GetString()!;

            Ids["draft"] = draft.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Ids["returned"] = returned.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Ids["published"] = published.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Ids["inReview"] = inReview.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Ids["ticket"] = ticket;
            await using var db = App.CreateDbContext();
            Ids["column"] = db.Columns.OrderBy(c => c.Id).Select(c => c.Id).First().ToString(System.Globalization.CultureInfo.InvariantCulture);
            Ids["message"] = db.InteractionMessages.OrderBy(m => m.Id).Select(m => m.Id).First().ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        public async Task DisposeAsync() => await App.DisposeAsync();
    }

    /// <summary>Every routable page of the app, with its parameters filled from the fixture's data.</summary>
    private IEnumerable<string> Pages()
    {
        var routes = typeof(Program).Assembly.GetTypes()
            .SelectMany(t => t.GetCustomAttributes<RouteAttribute>().Select(r => r.Template))
            .Where(t => !t.StartsWith("/account/login/", StringComparison.Ordinal) && !t.StartsWith("/error", StringComparison.Ordinal))
            .Distinct();
        foreach (var route in routes)
        {
            var ids = fixture.Ids;
            var url = route
                .Replace("/office/requests/{Id:int}/edit", $"/office/requests/{ids["returned"]}/edit", StringComparison.Ordinal)
                .Replace("/office/requests/{Id:int}", $"/office/requests/{ids["published"]}", StringComparison.Ordinal)
                .Replace("/articles/{Id:int}", $"/articles/{ids["published"]}", StringComparison.Ordinal)
                .Replace("/columns/{Id:int}", $"/columns/{ids["column"]}", StringComparison.Ordinal)
                .Replace("/office/interaction/{Id:int}", $"/office/interaction/{ids["message"]}", StringComparison.Ordinal)
                .Replace("/interaction/messages/{Ticket}", $"/interaction/messages/{ids["ticket"]}", StringComparison.Ordinal)
                .Replace("/office/bulletins/{Year:int}/{Quarter:int}", "/office/bulletins/2026/3", StringComparison.Ordinal);
            if (url.Contains('{', StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"No test value for the route {route}: add one, so the page is checked.");
            }

            yield return url;
        }

        yield return $"/office/requests/{fixture.Ids["draft"]}";
        yield return $"/office/requests/{fixture.Ids["returned"]}";
        yield return $"/office/requests/{fixture.Ids["inReview"]}";
        yield return "/search?q=药品";
    }

    [Fact]
    public async Task EveryPage_AsEveryRole_InChinese_ShowsNoResourceKeyAndNoEnumName()
    {
        var findings = new List<string>();
        var checkedPages = 0;
        foreach (var user in Users.Prepend(null))
        {
            using var client = fixture.App.CreatePortalClient();
            client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("zh-CN");
            if (user is not null)
            {
                await client.SignInAsync(user);
            }

            foreach (var url in Pages())
            {
                using var response = await client.GetAsync(url);
                if (response.StatusCode != HttpStatusCode.OK || response.Content.Headers.ContentType?.MediaType != "text/html")
                {
                    continue; // not this role's page (redirect to sign-in, 403, 404)
                }

                checkedPages++;
                var html = await response.Content.ReadAsStringAsync();
                findings.AddRange(Problems(html).Select(p => $"{user ?? "anonymous"} {url}: {p}"));
            }
        }

        Assert.True(checkedPages > 150, $"only {checkedPages} pages rendered");
        var distinct = findings.Distinct().ToList();
        Assert.True(distinct.Count == 0, string.Join("\n", distinct));
    }

    [Fact]
    public void Checker_FindsKeysAndEnumNames()
    {
        // The checker itself: a key, an enum name and an English status are found; Chinese text and hashes are not.
        Assert.Contains(Problems("<p>Requests.Warning.EventDateLate</p>"), p => p.Contains("Requests.Warning.EventDateLate", StringComparison.Ordinal));
        Assert.Contains(Problems("<td>InReview</td>"), p => p.Contains("InReview", StringComparison.Ordinal));
        Assert.Contains(Problems("<span aria-label=\"Success\">成功</span>"), p => p.Contains("Success", StringComparison.Ordinal));
        Assert.Empty(Problems("<p>县局召开会议 · SHA-256 3fa9c0de · v2</p><script>var Blazor = 'Requests.Status';</script>"));
    }

    [Fact]
    public async Task EveryApiProblem_HasASentenceAsDetail_AndWarningsAreSentences()
    {
        using var officer = await ApiClient.SignInAsync(fixture.App, "officer");
        officer.Http.DefaultRequestHeaders.AcceptLanguage.ParseAdd("zh-CN");
        using var auditor = await ApiClient.SignInAsync(fixture.App, "auditor");
        using var anonymous = fixture.App.CreatePortalClient();
        var draft = int.Parse(fixture.Ids["draft"], System.Globalization.CultureInfo.InvariantCulture);
        var problems = new List<(string What, HttpResponseMessage Response)>
        {
            ("empty draft", await officer.CreateAsync(new { title = "", columnIds = Array.Empty<int>(), kind = "Text", bodyHtml = "", source = "", importance = "Normal", eventDate = "2026-01-01", declarationAccepted = false })),
            ("unknown request", await officer.Http.GetAsync("/api/v1/requests/999999")),
            ("stale version", await officer.UpdateAsync(draft, new { title = "x", columnIds = new[] { 1 }, kind = "Text", bodyHtml = "<p>x</p>", source = "x", importance = "Normal", eventDate = "2026-01-01", declarationAccepted = true, version = 999 })),
            ("officer decides", await officer.DecideAsync(draft, "Approve")),
            ("officer takes down", await officer.TakeDownAsync(draft, "")),
            ("auditor drafts", await auditor.CreateAsync(new { title = "x" })),
            ("no token", await anonymous.GetAsync("/api/v1/requests")),
            ("bad token", await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { userName = "officer", password = "wrong" })),
            ("bad month", await officer.Http.GetAsync("/api/v1/statistics/monthly?year=2026&month=13")),
            ("bad message", await anonymous.PostAsJsonAsync("/api/v1/public/messages", new { kind = "Inquiry", subject = "", text = "", consent = false })),
        };

        var findings = new List<string>();
        var seen = 0;
        foreach (var (what, response) in problems)
        {
            if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                if ((int)response.StatusCode >= 400 && response.Content.Headers.ContentLength is > 0)
                {
                    findings.Add($"{what}: {(int)response.StatusCode} is not problem+json");
                }

                continue;
            }

            seen++;
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            var texts = new List<string>();
            if (problem.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String) texts.Add(detail.GetString()!);
            if (problem.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String) texts.Add(title.GetString()!);
            if (problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                texts.AddRange(errors.EnumerateObject().SelectMany(e => e.Value.EnumerateArray()).Select(v => v.GetString() ?? ""));
            }

            if (!problem.TryGetProperty("detail", out _))
            {
                findings.Add($"{what}: no detail");
            }

            findings.AddRange(texts.Where(t => IsKey(t) || !Sentence().IsMatch(t)).Select(t => $"{what}: \"{t}\""));
        }

        // Warnings travel in successful answers too: a late event date is a sentence, not Requests.Warning.EventDateLate.
        var detailOfDraft = await officer.GetAsync(draft);
        var warnings = detailOfDraft.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()!).ToList();
        Assert.NotEmpty(warnings);
        findings.AddRange(warnings.Where(IsKey).Select(w => $"warning: {w}"));

        Assert.True(seen >= 8, $"only {seen} problem answers");
        Assert.Empty(findings);
    }

    // ---- the checker ----

    private static readonly HashSet<string> KeyPrefixes = ReadKeyPrefixes();

    private static readonly HashSet<string> EnumNames = [.. typeof(Program).Assembly.GetTypes()
        .Where(t => t.IsEnum && t.Namespace?.StartsWith("InfoPortal", StringComparison.Ordinal) == true)
        .SelectMany(Enum.GetNames)
        .Where(n => n.Length >= 3)];

    private static HashSet<string> ReadKeyPrefixes()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "InfoPortal.sln")))
        {
            dir = dir.Parent;
        }

        var file = Path.Combine(dir!.FullName, "InfoPortal", "Resources", "SharedResource.resx");
        return [.. XDocument.Load(file).Root!.Elements("data").Select(d => d.Attribute("name")!.Value.Split('.')[0])];
    }

    private static bool IsKey(string text) => ResourceKey().Matches(text).Any(m => KeyPrefixes.Contains(m.Groups[1].Value));

    /// <summary>What a person reads: text nodes and the attributes screen readers and tooltips speak.</summary>
    private static IEnumerable<string> Problems(string html)
    {
        var withoutCode = Code().Replace(html, " ");
        var spoken = SpokenAttribute().Matches(withoutCode).Select(m => WebUtility.HtmlDecode(m.Groups[2].Value));
        var text = WebUtility.HtmlDecode(Tag().Replace(withoutCode, " "));
        foreach (var piece in spoken.Prepend(text))
        {
            foreach (Match m in ResourceKey().Matches(piece))
            {
                if (KeyPrefixes.Contains(m.Groups[1].Value))
                {
                    yield return "key " + m.Value;
                }
            }

            foreach (Match m in Word().Matches(piece))
            {
                if (EnumNames.Contains(m.Value))
                {
                    yield return "code " + m.Value;
                }
            }
        }
    }

    [GeneratedRegex(@"<(script|style|template)\b[^>]*>.*?</\1>|<!--.*?-->", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Code();

    [GeneratedRegex(@"<[^>]+>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"\s(aria-label|title|placeholder|alt)=""([^""]*)""")]
    private static partial Regex SpokenAttribute();

    [GeneratedRegex(@"\b([A-Z][A-Za-z]+)\.[A-Z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)*\b")]
    private static partial Regex ResourceKey();

    [GeneratedRegex(@"(?<![A-Za-z0-9_\-./:#])[A-Z][A-Za-z]+(?![A-Za-z0-9_\-/:#])")]
    private static partial Regex Word();

    /// <summary>A sentence: it holds a Han character or at least two words, and no dotted key.</summary>
    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}|\w+\s+\w+")]
    private static partial Regex Sentence();
}
