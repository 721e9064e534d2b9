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
/// characters to <c>POST /api/v1/screening/check</c> one call at a time and prints p50/p95 after at least
/// 10 s of warm-up (the first 100 calls after start are printed apart, as "cold"). In the
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
            // The client encodes its body once and reads the answer from the stream into pooled memory:
            // client and server share this process and its two cores, and a client that re-encoded 300 KB
            // and buffered the answer for every call would charge its own collections to the API.
            var payloadUtf8 = Encoding.UTF8.GetBytes(payload);
            async Task Check()
            {
                using var content = JsonBytes(payloadUtf8);
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/screening/check") { Content = content };
                using var response = await officer.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                response.EnsureSuccessStatusCode();
                await using var stream = await response.Content.ReadAsStreamAsync();
                using var answer = await JsonDocument.ParseAsync(stream);
                hits = answer.RootElement.GetProperty("hits").GetArrayLength();
            }

            // The first calls after start run code the JIT has not yet optimised (tiered compilation
            // promotes a method only once the process has been quiet of new compilations for 100 ms):
            // they are timed apart, then every measurement warms up for at least WarmUp.
            var cold = await TimeAsync(Math.Min(100, runs), Check, warmUp: false);
            var (gen0, gen1, gen2, paused) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());
            var allocated = GC.GetTotalAllocatedBytes();
            var api = await TimeAsync(runs, Check);
            var calls = runs + api.WarmUpCalls;
            var collections = $"{GC.CollectionCount(0) - gen0} / {GC.CollectionCount(1) - gen1} / {GC.CollectionCount(2) - gen2}, "
                + $"{(GC.GetTotalPauseDuration() - paused).TotalMilliseconds / calls:N2} ms paused and {(GC.GetTotalAllocatedBytes() - allocated) / 1024.0 / calls:N0} KB allocated per call (client and server)";
            var escapedUtf8 = Encoding.UTF8.GetBytes(escaped);
            var escapedApi = await TimeAsync(runs, async () =>
            {
                using var content = JsonBytes(escapedUtf8);
                (await officer.PostAsync("/api/v1/screening/check", content)).EnsureSuccessStatusCode().Dispose();
            });
            var drain = await TimeAsync(runs, async () =>
            {
                using var content = JsonBytes(payloadUtf8);
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
                var buffer = new System.Buffers.ArrayBufferWriter<byte>();
                using (var writer = new Utf8JsonWriter(buffer))
                {
                    CheckAnswer.Write(writer, screening.Check(text));
                }

                answerText = Encoding.UTF8.GetString(buffer.WrittenSpan);
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

            await output.WriteLineAsync($"text {chars:N0} chars, {hits:N0} hits; list {listed.Count:N0} terms ({engine.TermCount:N0} compiled with the built-ins); {runs} runs each after at least {WarmUp.TotalSeconds:N0} s of warm-up, one at a time; {Environment.ProcessorCount} cores; server GC {System.Runtime.GCSettings.IsServerGC}; during the API runs (warm-up included) collections gen0/1/2 {collections}");
            await output.WriteLineAsync("| what | p50 ms | p95 ms | p50 ratio to the API | KB allocated per call |");
            await output.WriteLineAsync("|---|---|---|---|---|");
            foreach (var (name, times) in new[]
            {
                ("POST /api/v1/screening/check", api), ("the same, the first calls after start (cold)", cold), ("the same with the text escaped (\\uXXXX)", escapedApi), ("reference: ScreeningService.Check in process", service), ("reference: the same and its answer written as JSON", written),
                ("reference: the request body parsed", bodyRead), ("reference: the answer parsed by the client", parsed),
                ("reference: engine only", engineOnly), ("reference: engine and detectors", both), ("reference: personal-data detectors only", detectors),
                ("reference: POST check with 13 characters (the fixed cost)", small), ("reference: POST the same body to an endpoint that only reads it", drain), ("reference: GET plaintext (HTTP floor)", floor),
            })
            {
                await output.WriteLineAsync($"| {name} | {times.P50:N2} | {times.P95:N2} | {times.P50 / api.P50:N2} | {times.Kilobytes:N0} |");
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

    private static ByteArrayContent JsonBytes(byte[] utf8)
    {
        var content = new ByteArrayContent(utf8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    /// <summary>How long each measurement warms up at least (and at least 100 calls).</summary>
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(10);

    private static async Task<(double P50, double P95, double Kilobytes, int WarmUpCalls)> TimeAsync(int runs, Func<Task> call, bool warmUp = true)
    {
        var warmUpCalls = 0;
        var warming = Stopwatch.StartNew();
        while (warmUp && (warmUpCalls < 100 || warming.Elapsed < WarmUp))
        {
            await call();
            warmUpCalls++;
        }

        var times = new double[runs];
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            await call();
            times[i] = watch.Elapsed.TotalMilliseconds;
        }

        var kilobytes = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1024.0 / runs;
        Array.Sort(times);
        return (times[runs / 2], times[Math.Min(runs - 1, (int)Math.Ceiling(runs * 0.95) - 1)], kilobytes, warmUpCalls);
    }
}
