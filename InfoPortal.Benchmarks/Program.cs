using System.Diagnostics;
using System.Text;
using BenchmarkDotNet.Running;
using InfoPortal.Benchmarks;
using InfoPortal.Benchmarks.Commands;
using InfoPortal.Features.Screening.Engine;

namespace InfoPortal.Benchmarks;

/// <summary>
/// The benches: with a bench's name (review-queue, search, …) the portal runs and is measured (README,
/// "Benchmarks"); otherwise the screening engine's facts and BenchmarkDotNet's screening benches.
/// A class with a namespace, not top-level statements, so its <c>Program</c> is not the portal's.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        // `dotnet run --project InfoPortal.Benchmarks -c Release -- review-queue …` (and search, statistics,
        // monitoring, pdf, decisions, http, screening-api): the benches that run the portal itself (README).
        if (args is [var bench, ..] && BenchCommand.Names.Contains(bench))
        {
            return await BenchCommand.MainAsync(["bench", .. args], Console.Out);
        }

        // Facts BenchmarkDotNet does not report: sizes, automaton memory, a one-shot compile time.
        foreach (var count in new[] { 10_000, 50_000 })
        {
            var terms = ScreeningData.Terms(count);
            var stopwatch = Stopwatch.StartNew();
            var engine = ScreeningEngine.Compile(terms);
            stopwatch.Stop();
            var text = ScreeningData.Text(terms);
            Console.WriteLine(
                $"{count} terms: {engine.StateCount} states, {engine.MemoryBytes / 1024.0 / 1024.0:F2} MiB, " +
                $"cold compile {stopwatch.ElapsedMilliseconds} ms; text {text.Length} chars = " +
                $"{Encoding.UTF8.GetByteCount(text) / 1_000_000.0:F2} MB UTF-8, {engine.Count(text, normalize: true)} hits");
        }

        // Sound variants (ADR 0056): 1,000 of the 50,000 terms ask for pinyin and homophones.
        {
            var terms = ScreeningData.Terms(50_000);
            var flagged = terms.Select((t, i) => i < 1_000 ? t with { Variants = TermVariants.Pinyin | TermVariants.Homophones } : t).ToArray();
            var text = ScreeningData.Text(terms);
            foreach (var (name, list) in new[] { ("50000 terms", terms), ("50000 terms, 1000 with sound variants", flagged) })
            {
                var stopwatch = Stopwatch.StartNew();
                var engine = ScreeningEngine.Compile(list);
                var compile = stopwatch.ElapsedMilliseconds;
                engine.Count(text, normalize: true);
                stopwatch.Restart();
                var hits = engine.Count(text, normalize: true);
                Console.WriteLine($"{name}: {engine.TermCount} entries compiled in {compile} ms, {engine.MemoryBytes / 1024.0 / 1024.0:F2} MiB; one scan {text.Length / stopwatch.Elapsed.TotalSeconds / 1e6:F1} Mchar/s, {hits} hits");
            }
        }

        // `--quick`: median of 11 timed runs per matcher on the same text in this process — Mchar/s and the
        // ratio to SearchValues<string> — for a shared machine where a full BenchmarkDotNet run is too long.
        if (args.Contains("--quick"))
        {
            foreach (var count in new[] { 10_000, 50_000 })
            {
                var terms = ScreeningData.Terms(count);
                var text = ScreeningData.Text(terms);
                var engine = ScreeningEngine.Compile(terms);
                var values = System.Buffers.SearchValues.Create(terms.Select(t => t.Text).Distinct().ToArray(), StringComparison.Ordinal);
                double Median(Func<int> run)
                {
                    var times = new List<double>();
                    for (var r = 0; r < 11; r++)
                    {
                        var w = Stopwatch.StartNew();
                        run();
                        times.Add(w.Elapsed.TotalSeconds);
                    }

                    times.Sort();
                    return text.Length / times[5] / 1e6;
                }

                var sv = Median(() =>
                {
                    var span = text.AsSpan();
                    var n = 0;
                    int pos;
                    while ((pos = span.IndexOfAny(values)) >= 0)
                    {
                        n++;
                        span = span[(pos + 1)..];
                    }

                    return n;
                });
                var normalized = Median(() => engine.Count(text, normalize: true));
                var raw = Median(() => engine.Count(text, normalize: false));
                Console.WriteLine($"{count} terms, {text.Length} chars: SearchValues<string> {sv:F1} Mchar/s; engine normalised {normalized:F1} Mchar/s ({normalized / sv:F2}x), raw {raw:F1} Mchar/s ({raw / sv:F2}x)");
            }

            return 0;
        }

        BenchmarkSwitcher.FromAssembly(typeof(ScreeningBenchmarks).Assembly).Run(args);
        return 0;
    }
}
