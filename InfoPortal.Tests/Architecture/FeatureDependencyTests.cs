using ArchUnitNET.Domain;
using ArchUnitNET.Domain.Dependencies;
using ArchUnitNET.Loader;

namespace InfoPortal.Tests.Architecture;

/// <summary>
/// The house rules of ADR 0057 and 0059, read from the compiled portal by ArchUnitNET (every type's dependencies:
/// signatures, fields, attributes and method bodies). A feature is a namespace <c>InfoPortal.Features.X</c>
/// with everything under it; <c>Infrastructure</c> is <c>InfoPortal.Infrastructure</c> and under it.
/// </summary>
public sealed class FeatureDependencyTests
{
    private const string FeaturesPrefix = "InfoPortal.Features.";

    private static readonly Lazy<ArchUnitNET.Domain.Architecture> Portal = new(() =>
        new ArchLoader().LoadAssemblies(typeof(PortalApp).Assembly).Build());

    /// <summary>
    /// The features below Requests (ADR 0059): the foundations and the capabilities Requests uses inside
    /// its own transactions (accounts, audit, notifications and the outbox, column master data, the
    /// screening engine). Requests depends only on these; none of them depends on Requests or above.
    /// </summary>
    private static readonly string[] BelowRequests = ["Accounts", "Audit", "Columns", "Jobs", "Notifications", "Outbox", "Screening"];

    [Fact]
    public void Infrastructure_references_no_feature()
    {
        Assert.Empty(Violations(d => IsInfrastructure(d.Origin) && FeatureOf(d.Target) is not null));
    }

    [Fact]
    public void Features_and_infrastructure_never_reach_back_to_the_composition_root_or_the_commands()
    {
        Assert.Empty(Violations(d => (FeatureOf(d.Origin) is not null || IsInfrastructure(d.Origin)) && IsCompositionRoot(d.Target)));
    }

    [Fact]
    public void A_feature_uses_only_the_public_types_of_another()
    {
        Assert.Empty(Violations(d => FeatureOf(d.Origin) is { } from && FeatureOf(d.Target) is { } to && from != to && !IsPublic(d.Target)));
    }

    [Fact]
    public void Only_the_requests_feature_writes_the_request_aggregate()
    {
        // The aggregate and its children change through PublicationRequest's methods (issue 16): no other
        // feature, and nothing in Infrastructure, calls a setter of theirs (EF Core writes the fields).
        string[] aggregate = ["PublicationRequest", "Decision", "Attachment", "Publication", "RequestColumn", "ContentVersionRecord"];
        var violations = Dependencies()
            .OfType<IMemberMemberDependency>()
            .Cast<ITypeDependency>()
            .Where(d => d.Target.Namespace.FullName == "InfoPortal.Features.Requests" && aggregate.Contains(d.Target.Name)
                && ((IMemberMemberDependency)d).TargetMember.Name.StartsWith("set_", StringComparison.Ordinal)
                && FeatureOf(d.Origin) != "Requests")
            .Select(d => $"{d.Origin.FullName} -> {d.Target.Name}.{((IMemberMemberDependency)d).TargetMember.Name}")
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Empty(violations);
    }

    [Fact]
    public void Features_have_no_cycles()
    {
        // 2026-12-04: 51 edges across 12 features lay on cycles before ADR 0057, 20 across 8 after it,
        // none after ADR 0059. The message lists the edges that close a cycle now.
        var onCycles = EdgesOnCycles(FeatureEdges()).Select(e => $"{e.From} -> {e.To}").Order(StringComparer.Ordinal).ToList();

        Assert.True(onCycles.Count == 0, $"Feature edges on a cycle (break them):\n{string.Join("\n", onCycles)}");
    }

    [Fact]
    public void Requests_is_the_core_and_depends_only_on_the_features_below_it()
    {
        var upward = FeatureEdges().Where(e => e.From == "Requests" && !BelowRequests.Contains(e.To)).Select(e => $"{e.From} -> {e.To}").ToList();

        Assert.Empty(upward);
    }

    [Fact]
    public void The_features_below_requests_never_reach_up_to_it()
    {
        var upward = FeatureEdges().Where(e => BelowRequests.Contains(e.From) && !BelowRequests.Contains(e.To)).Select(e => $"{e.From} -> {e.To}").ToList();

        Assert.Empty(upward);
    }

    [Fact]
    public void The_cycle_finder_finds_a_cycle_and_nothing_else()
    {
        // A → B → C → A is a cycle; C → D and D → E are not on it.
        (string, string)[] edges = [("A", "B"), ("B", "C"), ("C", "A"), ("C", "D"), ("D", "E")];

        Assert.Equal(["A -> B", "B -> C", "C -> A"], EdgesOnCycles(edges).Select(e => $"{e.From} -> {e.To}").Order(StringComparer.Ordinal));
        Assert.Empty(EdgesOnCycles([("A", "B"), ("B", "C")]));
    }

    /// <summary>The feature → feature edges, for the closing note's graph (written to the test output on failure).</summary>
    internal static IReadOnlyList<(string From, string To)> FeatureEdges() =>
        [.. Dependencies()
            .Select(d => (From: FeatureOf(d.Origin), To: FeatureOf(d.Target)))
            .Where(e => e.From is not null && e.To is not null && e.From != e.To)
            .Select(e => (e.From!, e.To!))
            .Distinct()
            .Order()];

    /// <summary>The edges whose two ends lie in the same strongly connected component (Tarjan).</summary>
    internal static IReadOnlyList<(string From, string To)> EdgesOnCycles(IReadOnlyList<(string From, string To)> edges)
    {
        var nodes = edges.SelectMany(e => new[] { e.From, e.To }).Distinct().ToList();
        var next = edges.ToLookup(e => e.From, e => e.To);
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var component = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var counter = 0;
        var components = 0;

        void Visit(string v)
        {
            index[v] = low[v] = counter++;
            stack.Push(v);
            foreach (var w in next[v])
            {
                if (!index.TryGetValue(w, out var seen))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (!component.ContainsKey(w))
                {
                    low[v] = Math.Min(low[v], seen);
                }
            }

            if (low[v] == index[v])
            {
                string w;
                do
                {
                    w = stack.Pop();
                    component[w] = components;
                }
                while (w != v);
                components++;
            }
        }

        foreach (var node in nodes.Where(n => !index.ContainsKey(n)))
        {
            Visit(node);
        }

        return [.. edges.Where(e => component[e.From] == component[e.To])];
    }

    /// <summary>The dependencies that break a rule, one line each (origin → target, the target's visibility).</summary>
    private static List<string> Violations(Func<ITypeDependency, bool> breaks) =>
        [.. Dependencies().Where(breaks).Select(d => $"{d.Origin.FullName} -> {d.Target.FullName} ({d.Target.Visibility})").Distinct().Order(StringComparer.Ordinal)];

    private static IEnumerable<ITypeDependency> Dependencies() =>
        Portal.Value.Types.SelectMany(t => t.Dependencies).Where(d => d.Target.FullName.StartsWith("InfoPortal", StringComparison.Ordinal));

    private static string? FeatureOf(IType type)
    {
        var ns = type.Namespace.FullName;
        if (!ns.StartsWith(FeaturesPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = ns[FeaturesPrefix.Length..];
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? rest : rest[..dot];
    }

    private static bool IsInfrastructure(IType type) =>
        type.Namespace.FullName is "InfoPortal.Infrastructure" || type.Namespace.FullName.StartsWith("InfoPortal.Infrastructure.", StringComparison.Ordinal);

    private static bool IsCompositionRoot(IType type) =>
        type.FullName is "InfoPortal.PortalApp" or "InfoPortal.PortalStartup" or "Program" ||
        type.Namespace.FullName is "InfoPortal.Commands" || type.Namespace.FullName.StartsWith("InfoPortal.Commands.", StringComparison.Ordinal);

    /// <summary>Public, and for a nested type (<c>Outer+Inner</c>) public all the way out.</summary>
    private static bool IsPublic(IType type)
    {
        if (type.Visibility is not Visibility.Public)
        {
            return false;
        }

        var plus = type.FullName.LastIndexOf('+');
        return plus < 0 || !TypesByName.Value.TryGetValue(type.FullName[..plus], out var outer) || IsPublic(outer);
    }

    private static readonly Lazy<Dictionary<string, IType>> TypesByName = new(() =>
        Portal.Value.Types.GroupBy(t => t.FullName).ToDictionary(g => g.Key, g => g.First()));
}
