using System.Text;
using Hangfire;

namespace InfoPortal.Tests.Infrastructure.Jobs;

/// <summary>
/// What Hangfire knows about a job that did not run in time: its state history (with the reasons
/// and exception data), the queue, and the servers with their last heartbeat — so a failure on CI
/// says why instead of only "timed out".
/// </summary>
internal static class HangfireDiagnostics
{
    public static string Describe(JobStorage storage, params string[] jobIds)
    {
        var text = new StringBuilder();
        try
        {
            var monitoring = storage.GetMonitoringApi();
            var stats = monitoring.GetStatistics();
            text.Append($"servers={stats.Servers} enqueued={stats.Enqueued} processing={stats.Processing} failed={stats.Failed} succeeded={stats.Succeeded} deleted={stats.Deleted}; ");
            foreach (var server in monitoring.Servers())
            {
                text.Append($"server {server.Name} workers={server.WorkersCount} queues={string.Join(',', server.Queues)} started={server.StartedAt:O} heartbeat={server.Heartbeat:O}; ");
            }

            foreach (var id in jobIds)
            {
                var details = monitoring.JobDetails(id);
                text.Append($"job {id}: ");
                if (details is null)
                {
                    text.Append("unknown; ");
                    continue;
                }

                foreach (var state in details.History.OrderBy(h => h.CreatedAt))
                {
                    text.Append($"[{state.CreatedAt:HH:mm:ss.fff} {state.StateName} {state.Reason} {string.Join(' ', state.Data.Select(d => $"{d.Key}={d.Value}"))}] ");
                }

                text.Append("; ");
            }
        }
        catch (Exception ex)
        {
            text.Append($"(could not read Hangfire's state: {ex.GetType().Name}: {ex.Message})");
        }

        return text.ToString();
    }
}
