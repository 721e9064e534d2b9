using System.Diagnostics;
using System.Text;
using BenchmarkDotNet.Running;
using InfoPortal.Benchmarks;
using InfoPortal.Features.Screening.Engine;

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

BenchmarkSwitcher.FromAssembly(typeof(ScreeningData).Assembly).Run(args);
