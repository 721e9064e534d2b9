using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using InfoPortal.Features.Screening;
using InfoPortal.Features.Screening.Engine;

namespace InfoPortal.Benchmarks.Commands;

/// <summary>
/// <c>bench screening-api [--terms 50000] [--chars 100000] [--runs 200]</c> (issue 15): starts the whole
/// portal (Release, Development settings with the demo agency), imports a generated list of
/// <c>--terms</c> terms as the 保密员 through the API, then posts a generated text of <c>--chars</c>
/// characters to <c>POST /api/v1/screening/check</c> one call at a time and prints p50/p95. In the
/// same run, as references, the same text through <see cref="ScreeningService.Check"/> in process (what
/// the endpoint does between reading the body and writing the answer), the engine alone, the
/// personal-data detectors alone, and an empty request to the plaintext endpoint (the HTTP floor).
/// </summary>
public static class ScreeningApiBench
{
    public static async Task<int> RunAsync(WebApplication app, string[] args, TextWriter output)
    {
        var termCount = int.Parse(HttpBench.Option(args, "--terms", "50000"), System.Globalization.CultureInfo.InvariantCulture);
        var chars = int.Parse(HttpBench.Option(args, "--chars", "100000"), System.Globalization.CultureInfo.InvariantCulture);
        var runs = int.Parse(HttpBench.Option(args, "--runs", "200"), System.Globalization.CultureInfo.InvariantCulture);
        var password = app.Configuration["Demo:Password"];
        if (string.IsNullOrEmpty(password))
        {
            await output.WriteLineAsync("The demo agency is needed (ASPNETCORE_ENVIRONMENT=Development).");
            return 1;
        }

        await app.StartAsync();
        try
        {
            using var anonymous = new HttpClient { BaseAddress = new Uri(HttpBench.LocalBaseUrl(app)) };
            Task<HttpClient> As(string user) => HttpBench.SignInAsync(anonymous, user, password);

            var terms = ScreeningData.Terms(termCount);
            var listed = terms.Where(t => t.Category == "Sensitive").Select(t => t.Text).ToList();
            int listId;
            using (var secrecy = await As("secrecy"))
            {
                var list = await (await secrecy.PostAsJsonAsync("/api/v1/screening/lists", new { name = $"压测词表 {DateTime.UtcNow:HHmmss}", category = "Sensitive" }))
                    .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
                var importing = Stopwatch.StartNew();
                using var body = new StringContent(string.Join('\n', listed), Encoding.UTF8, "text/plain");
                (await secrecy.PostAsync($"/api/v1/screening/lists/{list.GetProperty("id").GetInt32()}/import?format=text&level=Warn", body)).EnsureSuccessStatusCode();
                await output.WriteLineAsync($"imported {listed.Count:N0} terms through the API in {importing.Elapsed.TotalSeconds:N1} s");
                listId = list.GetProperty("id").GetInt32();
            }

            var text = ScreeningData.Text(terms, chars, numbers: true);
            using var officer = await As("officer");
            // As a browser's JSON.stringify sends it: UTF-8, Chinese not escaped. The escaped form (\uXXXX,
            // six bytes a character, what many scripts send) is measured as well.
            var payload = JsonSerializer.Serialize(new { text }, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            var escaped = JsonSerializer.Serialize(new { text });
            var hits = 0;
            var (gen0, gen1, gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
            var api = await TimeAsync(runs, async () =>
            {
                using var content = new StringContent(payload, Encoding.UTF8, "application/json");
                using var response = await officer.PostAsync("/api/v1/screening/check", content);
                response.EnsureSuccessStatusCode();
                var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
                hits = answer.GetProperty("hits").GetArrayLength();
            });
            var collections = $"{GC.CollectionCount(0) - gen0} / {GC.CollectionCount(1) - gen1} / {GC.CollectionCount(2) - gen2}";
            var escapedApi = await TimeAsync(runs, async () =>
            {
                using var content = new StringContent(escaped, Encoding.UTF8, "application/json");
                (await officer.PostAsync("/api/v1/screening/check", content)).EnsureSuccessStatusCode().Dispose();
            });
            var drain = await TimeAsync(runs, async () =>
            {
                using var content = new StringContent(payload, Encoding.UTF8, "application/json");
                (await anonymous.PostAsync(HttpBench.DrainPath, content)).EnsureSuccessStatusCode().Dispose();
            });
            var floor = await TimeAsync(runs, async () => (await anonymous.GetAsync(HttpBench.PlaintextPath)).EnsureSuccessStatusCode().Dispose());
            var small = await TimeAsync(runs, async () => (await officer.PostAsJsonAsync("/api/v1/screening/check", new { text = "本局召开全体干部职工大会。" })).EnsureSuccessStatusCode().Dispose());

            var screening = app.Services.GetRequiredService<ScreeningService>();
            var engine = app.Services.GetRequiredService<ScreeningEngineHolder>().Current;
            var service = await TimeAsync(runs, () => { screening.Check(text); return Task.CompletedTask; });
            var webJson = new JsonSerializerOptions(JsonSerializerDefaults.Web);
            var answerText = "";
            var written = await TimeAsync(runs, () =>
            {
                answerText = JsonSerializer.Serialize(ScreeningModule.CheckAnswer(screening.Check(text)), webJson);
                return Task.CompletedTask;
            });
            var parsed = await TimeAsync(runs, () => { JsonDocument.Parse(answerText).Dispose(); return Task.CompletedTask; });
            var payloadBytes = Encoding.UTF8.GetBytes(payload);
            var bodyRead = await TimeAsync(runs, () => { JsonSerializer.Deserialize<ScreeningModule.CheckBody>(payloadBytes, webJson); return Task.CompletedTask; });
            var engineOnly = await TimeAsync(runs, () => { engine.Find(text); return Task.CompletedTask; });
            var both = await TimeAsync(runs, () => { _ = engine.Find(text).Count + PersonalDataDetector.All.Sum(d => d.Find(text).Count()); return Task.CompletedTask; });

            var detectors = await TimeAsync(runs, () =>
            {
                foreach (var detector in PersonalDataDetector.All)
                {
                    _ = detector.Find(text).Count();
                }

                return Task.CompletedTask;
            });

            await output.WriteLineAsync($"text {chars:N0} chars, {hits:N0} hits; list {listed.Count:N0} terms ({engine.TermCount:N0} compiled with the built-ins); {runs} runs each, one at a time; {Environment.ProcessorCount} cores; server GC {System.Runtime.GCSettings.IsServerGC}; collections gen0/1/2 during the API runs (warm-up included): {collections}");
            await output.WriteLineAsync("| what | p50 ms | p95 ms | p50 ratio to the API |");
            await output.WriteLineAsync("|---|---|---|---|");
            foreach (var (name, times) in new[]
            {
                ("POST /api/v1/screening/check", api), ("the same with the text escaped (\\uXXXX)", escapedApi), ("reference: ScreeningService.Check in process", service), ("reference: the same and its answer written as JSON", written),
                ("reference: the request body parsed", bodyRead), ("reference: the answer parsed by the client", parsed),
                ("reference: engine only", engineOnly), ("reference: engine and detectors", both), ("reference: personal-data detectors only", detectors),
                ("reference: POST check with 13 characters (the fixed cost)", small), ("reference: POST the same body to an endpoint that only reads it", drain), ("reference: GET plaintext (HTTP floor)", floor),
            })
            {
                await output.WriteLineAsync($"| {name} | {times.P50:N2} | {times.P95:N2} | {times.P50 / api.P50:N2} |");
            }

            using (var secrecy = await As("secrecy"))
            {
                var deleting = Stopwatch.StartNew();
                (await secrecy.DeleteAsync($"/api/v1/screening/lists/{listId}")).EnsureSuccessStatusCode();
                await output.WriteLineAsync($"deleted the list ({listed.Count:N0} terms) through the API in {deleting.Elapsed.TotalSeconds:N1} s");
            }

            return 0;
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private static async Task<(double P50, double P95)> TimeAsync(int runs, Func<Task> call)
    {
        for (var i = 0; i < Math.Min(100, runs); i++)
        {
            await call();
        }

        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            await call();
            times[i] = watch.Elapsed.TotalMilliseconds;
        }

        Array.Sort(times);
        return (times[runs / 2], times[Math.Min(runs - 1, (int)Math.Ceiling(runs * 0.95) - 1)]);
    }
}
