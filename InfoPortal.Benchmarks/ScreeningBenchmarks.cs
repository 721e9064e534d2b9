using System.Buffers;
using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using InfoPortal.Features.Screening.Engine;
using InfoPortal.Benchmarks.Commands;

namespace InfoPortal.Benchmarks;

/// <summary>
/// Throughput over a 3M-char (≈9 MB UTF-8) text; the Mchar/s column turns each mean into millions of
/// chars per second and BenchmarkDotNet's Ratio column is the ratio to SearchValues&lt;string&gt; measured
/// in the same run. Baselines in the same run: SearchValues&lt;string&gt;
/// (IndexOfAny in a loop; it reports leftmost matches only and does not normalise, so it does less
/// work than the engine) and a compiled Regex alternation of 1,000 terms on a 64 KB slice.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class ScreeningBenchmarks
{
    private const int SliceChars = 65_536;
    private const int RegexTerms = 1_000;

    private string _text = "";
    private string _slice = "";
    private string _submission = "";
    private ScreeningEngine _engine = null!;
    private SearchValues<string> _searchValues = null!;
    private Regex _regex = null!;

    [Params(10_000, 50_000)]
    public int TermCount { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var terms = ScreeningData.Terms(TermCount);
        _text = ScreeningData.Text(terms);
        _slice = _text[..SliceChars];
        _submission = _text[..100_000];
        _engine = ScreeningEngine.Compile(terms);
        _searchValues = SearchValues.Create(terms.Select(t => t.Text).Distinct().ToArray(), StringComparison.Ordinal);
        var alternation = string.Join('|', terms.Take(RegexTerms).Select(t => Regex.Escape(t.Text)));
        _regex = new Regex(alternation, RegexOptions.Compiled | RegexOptions.CultureInvariant);
    }

    [Benchmark(Baseline = true, Description = "SearchValues<string> loop, full text")]
    public int SearchValuesLoop()
    {
        var span = _text.AsSpan();
        var count = 0;
        int pos;
        while ((pos = span.IndexOfAny(_searchValues)) >= 0)
        {
            count++;
            span = span[(pos + 1)..];
        }

        return count;
    }

    [Benchmark(Description = "Engine, normalised, full text")]
    public int EngineNormalized() => _engine.Count(_text, normalize: true);

    [Benchmark(Description = "Engine, raw, full text")]
    public int EngineRaw() => _engine.Count(_text, normalize: false);

    [Benchmark(Description = "Engine Find (hits list), 100k chars")]
    public int EngineFind100K() => _engine.Find(_submission).Count;

    [Benchmark(Description = "Regex 1k-term alternation, 64K slice")]
    public int Regex64K() => _regex.Count(_slice);

    [Benchmark(Description = "Engine, normalised, 64K slice")]
    public int Engine64K() => _engine.Count(_slice, normalize: true);
}

/// <summary>Compile time of the 50k-term list (plus built-ins).</summary>
[MemoryDiagnoser]
public class CompileBenchmarks
{
    private ScreeningTerm[] _terms = [];

    [GlobalSetup]
    public void Setup() => _terms = ScreeningData.Terms(50_000);

    [Benchmark(Description = "Compile 50k terms")]
    public ScreeningEngine Compile50K() => ScreeningEngine.Compile(_terms);
}

/// <summary>Adds the Mchar/s column: chars scanned per benchmark (by method name) over its mean time.</summary>
public sealed class ThroughputConfig : BenchmarkDotNet.Configs.ManualConfig
{
    public ThroughputConfig() => AddColumn(new ThroughputColumn());

    private sealed class ThroughputColumn : BenchmarkDotNet.Columns.IColumn
    {
        public string Id => "Mchar/s";

        public string ColumnName => "Mchar/s";

        public bool AlwaysShow => true;

        public BenchmarkDotNet.Columns.ColumnCategory Category => BenchmarkDotNet.Columns.ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public BenchmarkDotNet.Columns.UnitType UnitType => BenchmarkDotNet.Columns.UnitType.Dimensionless;

        public string Legend => "Millions of chars scanned per second (text length / mean)";

        public bool IsAvailable(BenchmarkDotNet.Reports.Summary summary) => true;

        public bool IsDefault(BenchmarkDotNet.Reports.Summary summary, BenchmarkDotNet.Running.BenchmarkCase benchmarkCase) => false;

        public string GetValue(BenchmarkDotNet.Reports.Summary summary, BenchmarkDotNet.Running.BenchmarkCase benchmarkCase) =>
            GetValue(summary, benchmarkCase, BenchmarkDotNet.Reports.SummaryStyle.Default);

        public string GetValue(BenchmarkDotNet.Reports.Summary summary, BenchmarkDotNet.Running.BenchmarkCase benchmarkCase, BenchmarkDotNet.Reports.SummaryStyle style)
        {
            var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
            var chars = benchmarkCase.Descriptor.WorkloadMethod.Name switch
            {
                nameof(ScreeningBenchmarks.EngineFind100K) => 100_000,
                nameof(ScreeningBenchmarks.Regex64K) or nameof(ScreeningBenchmarks.Engine64K) => 65_536,
                _ => ScreeningData.TextChars,
            };
            return mean is > 0 ? (chars / (mean.Value / 1e9) / 1e6).ToString("F1", System.Globalization.CultureInfo.InvariantCulture) : "-";
        }
    }
}
