namespace InfoPortal.Features.Statistics;

/// <summary>
/// The ranking rule of the quarterly bulletin and the annual assessment (ADR 0026): rows already in
/// order get competition ranks (equal keys share a rank: 1, 1, 3); only active rows (a minimum of
/// activity) can be named best or lagging; the best are the first <c>bestGroups</c> tie groups of
/// the active rows and the lagging the last <c>laggingGroups</c>, each group whole (a tie is named as
/// a tie, never split by department id); nobody is named when the active rows are one tie (an empty
/// period, or everyone equal) or when naming would put a department on both lists.
/// </summary>
public static class FairRanking
{
    public sealed record Result<T>(IReadOnlyList<int> Ranks, IReadOnlyList<T> Best, IReadOnlyList<T> Lagging);

    public static Result<T> Rank<T, TKey>(IReadOnlyList<T> ordered, Func<T, TKey> key, Func<T, bool> isActive, int bestGroups, int laggingGroups)
    {
        var comparer = EqualityComparer<TKey>.Default;
        var ranks = new int[ordered.Count];
        for (var i = 0; i < ordered.Count; i++)
        {
            ranks[i] = i > 0 && comparer.Equals(key(ordered[i]), key(ordered[i - 1])) ? ranks[i - 1] : i + 1;
        }

        // Tie groups among the active rows only, in rank order.
        var groups = ordered.Select((row, i) => (row, rank: ranks[i]))
            .Where(x => isActive(x.row))
            .GroupBy(x => x.rank)
            .Select(g => g.Select(x => x.row).ToList())
            .ToList();
        if (groups.Count < 2)
        {
            return new Result<T>(ranks, [], []);
        }

        var best = groups.Take(Math.Max(0, bestGroups)).ToList();
        var lagging = groups.Skip(best.Count).TakeLast(Math.Max(0, laggingGroups)).ToList();
        return new Result<T>(ranks, [.. best.SelectMany(g => g)], [.. lagging.SelectMany(g => g)]);
    }
}
