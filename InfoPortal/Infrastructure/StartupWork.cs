using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace InfoPortal.Infrastructure;

/// <summary>
/// Start-up work that runs after the server listens (issue 12 item 6): the jobs' catch-up and the
/// archive integrity check. Each registers its task here; <c>/health</c> answers 503 "starting"
/// until every one has finished, then 200 "Healthy" (ADR 0053). Nothing else waits on them: the
/// server serves meanwhile, and no decision depends on them.
/// </summary>
public sealed class StartupWork
{
    private readonly ConcurrentDictionary<string, Task> _work = new();

    /// <summary>Tracks <paramref name="task"/> under <paramref name="name"/> (a later one of the same name replaces it).</summary>
    public void Track(string name, Task task) => _work[name] = task;

    /// <summary>The names of the work still running, in name order.</summary>
    public IReadOnlyList<string> Pending => [.. _work.Where(w => !w.Value.IsCompleted).Select(w => w.Key).Order(StringComparer.Ordinal)];

    /// <summary>The names of everything tracked since the start, finished or not.</summary>
    public IReadOnlyList<string> Tracked => [.. _work.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Finishes when everything tracked so far has finished (tests wait for it).</summary>
    public Task WhenAll => Task.WhenAll(_work.Values);
}

/// <summary>Degraded ("starting", 503) while <see cref="StartupWork"/> has something running.</summary>
internal sealed class StartupHealthCheck(StartupWork work) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(work.Pending is { Count: > 0 } pending
            ? HealthCheckResult.Degraded("starting: " + string.Join(", ", pending))
            : HealthCheckResult.Healthy());
}
