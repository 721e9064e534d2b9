using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using InfoPortal.Data;
using InfoPortal.Features.Columns;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Benchmarks.Commands;

/// <summary>
/// <c>bench http [--seconds 5] [--connections 1,16,64] [--client wrk|inproc]</c>: starts the whole
/// portal (Release, Development settings with the demo agency) and, in the same process, a plaintext
/// reference endpoint (<c>/bench/plaintext</c>, the same pipeline's cheapest answer), loads the public
/// home page, an article, <c>/health</c> and the reference with the same client settings, and prints
/// req/s, the ratio to the reference measured in the same run, and the server's CPU per request.
/// With <c>wrk</c> on the PATH it drives the load (-t2), so the CPU figure is the server's alone.
/// </summary>
public static partial class HttpBench
{
    public const string PlaintextPath = "/bench/plaintext";

    /// <summary>Reads the request body to its end and answers its length: the cost of moving a body, for <c>bench screening-api</c>.</summary>
    public const string DrainPath = "/bench/drain";

    public static void MapReference(IEndpointRouteBuilder app)
    {
        app.MapGet(PlaintextPath, () => Results.Text("Hello, World!")).AllowAnonymous();
        app.MapPost(DrainPath, async (HttpRequest request) =>
        {
            long length = 0;
            while (true)
            {
                var read = await request.BodyReader.ReadAsync();
                length += read.Buffer.Length;
                request.BodyReader.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted)
                {
                    return Results.Text(length.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        }).AllowAnonymous().DisableAntiforgery();
    }

    public static async Task<int> RunAsync(WebApplication app, string[] args, TextWriter output)
    {
        var seconds = Option(args, "--seconds", "5");
        var connections = Option(args, "--connections", "1,16,64").Split(',').Select(int.Parse).ToArray();
        var useWrk = Option(args, "--client", File.Exists("/usr/bin/wrk") || File.Exists("/usr/local/bin/wrk") ? "wrk" : "inproc") == "wrk";

        await app.StartAsync();
        try
        {
            var baseUrl = LocalBaseUrl(app);
            var article = await LiveArticleAsync(app, baseUrl);
            var targets = new List<(string Name, string Path)> { ("plaintext (reference)", PlaintextPath), ("/health", "/health"), ("home /", "/") };
            if (article is { } id)
            {
                targets.Add(($"article /articles/{id}", $"/articles/{id}"));
            }

            await output.WriteLineAsync($"client: {(useWrk ? "wrk -t2" : "in-process HttpClient")}; {seconds} s per cell; {Environment.ProcessorCount} cores; server {baseUrl}");
            await output.WriteLineAsync("| target | connections | req/s | ratio to plaintext | server CPU ms/req |");
            await output.WriteLineAsync("|---|---|---|---|---|");
            foreach (var c in connections)
            {
                double? reference = null;
                foreach (var (name, path) in targets)
                {
                    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                    var (rate, requests) = useWrk
                        ? await WrkAsync(baseUrl + path, c, seconds)
                        : await InProcessAsync(baseUrl + path, c, int.Parse(seconds));
                    var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds;
                    reference ??= rate;
                    var cpuText = useWrk && requests > 0 ? $"{cpu / requests:N2}" : "n/a (client in process)";
                    await output.WriteLineAsync($"| {name} | {c} | {rate:N0} | {rate / reference.Value:P1} | {cpuText} |");
                }
            }

            return 0;
        }
        finally
        {
            await app.StopAsync();
        }
    }

    internal static string Option(string[] args, string name, string fallback) =>
        args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;

    /// <summary>The started app's first address as a client reaches it (no trailing slash).</summary>
    internal static string LocalBaseUrl(WebApplication app) =>
        app.Urls.First().Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');

    /// <summary>A client of the app signed in as <paramref name="user"/> with an API token.</summary>
    internal static async Task<HttpClient> SignInAsync(HttpClient anonymous, string user, string password)
    {
        var token = await (await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { userName = user, password })).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
        var client = new HttpClient { BaseAddress = anonymous.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", token.GetProperty("token").GetString());
        return client;
    }

    /// <summary>A live external article; the demo agency has none, so one goes through the real workflow over the API.</summary>
    private static async Task<int?> LiveArticleAsync(WebApplication app, string baseUrl)
    {
        var dbFactory = app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            var existing = await db.Publications.Where(p => p.TakenDownAt == null && p.Site == Site.External).Select(p => (int?)p.RequestId).FirstOrDefaultAsync();
            if (existing is not null)
            {
                return existing;
            }
        }

        var password = app.Configuration["Demo:Password"];
        if (string.IsNullOrEmpty(password))
        {
            return null;
        }

        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        Task<HttpClient> As(string user) => SignInAsync(http, user, password);

        using var officer = await As("officer");
        var columns = await officer.GetFromJsonAsync<JsonElement>("/api/v1/columns");
        var column = columns.EnumerateArray().First(c => c.GetProperty("site").GetString() == "External").GetProperty("id").GetInt32();
        var created = await (await officer.PostAsJsonAsync("/api/v1/requests", new
        {
            title = "基准测试文章", columnIds = new[] { column }, kind = "Text",
            bodyHtml = "<p>本局召开全体干部职工大会，部署下一阶段药品安全监管工作。</p>", source = "本局",
            importance = "Normal", eventDate = DateOnly.FromDateTime(DateTime.Today), declarationAccepted = true,
        })).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetInt32();
        (await officer.PostAsJsonAsync($"/api/v1/requests/{id}/submit", new { })).EnsureSuccessStatusCode();
        // The chain of an external item ends with a leader (ADR 0045): approve until it leaves review.
        foreach (var reviewer in new[] { "depthead", "director", "leader" })
        {
            using var client = await As(reviewer);
            var request = await client.GetFromJsonAsync<JsonElement>($"/api/v1/requests/{id}");
            if (request.GetProperty("status").GetString() != "InReview")
            {
                break;
            }

            var version = request.GetProperty("version").GetInt32();
            (await client.PostAsJsonAsync($"/api/v1/requests/{id}/decisions", new { decision = "Approve", opinion = "同意", version, acknowledgeWarnings = true })).EnsureSuccessStatusCode();
        }

        using var publisher = await As("publisher");
        (await publisher.PostAsJsonAsync($"/api/v1/requests/{id}/publish", new { })).EnsureSuccessStatusCode();
        return id;
    }

    private static async Task<(double Rate, long Requests)> WrkAsync(string url, int connections, string seconds)
    {
        var threads = Math.Min(2, connections);
        using var process = Process.Start(new ProcessStartInfo("wrk", $"-t{threads} -c{connections} -d{seconds}s {url}") { RedirectStandardOutput = true, UseShellExecute = false })!;
        var text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var rate = RateLine().Match(text) is { Success: true } r ? double.Parse(r.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        var requests = RequestsLine().Match(text) is { Success: true } q ? long.Parse(q.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        return (rate, requests);
    }

    private static async Task<(double Rate, long Requests)> InProcessAsync(string url, int connections, int seconds)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, UseCookies = false, AllowAutoRedirect = false };
        using var client = new HttpClient(handler);
        long count = 0;
        var stop = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            while (stop.Elapsed < until)
            {
                using var response = await client.GetAsync(url, HttpCompletionOption.ResponseContentRead);
                Interlocked.Increment(ref count);
            }
        }));
        return (count / stop.Elapsed.TotalSeconds, count);
    }

    [GeneratedRegex(@"Requests/sec:\s+([0-9.]+)")]
    private static partial Regex RateLine();

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex RequestsLine();
}
