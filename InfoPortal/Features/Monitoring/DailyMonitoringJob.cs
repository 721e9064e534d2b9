using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Audit;
using InfoPortal.Features.Notifications;
using InfoPortal.Features.Requests;
using InfoPortal.Features.Screening;
using InfoPortal.Infrastructure.Html;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InfoPortal.Features.Monitoring;

/// <summary>
/// 每日监管 (rules.md §1 第十四条, §3 七(二)): rescans every item that is online now, on both
/// sites, with the current lists and detectors; writes the day's <see cref="MonitoringRun"/>
/// and raises an <see cref="Alert"/> for each item whose hit set is new.
/// Idempotent per day: a rerun replaces the day's figures and raises nothing already raised;
/// two runs of the same day at once — one runs, the other is told it is already running.
/// </summary>
public sealed class DailyMonitoringJob(
    IDbContextFactory<PortalDbContext> dbFactory,
    ScreeningService screening,
    NotificationService notifications,
    AuditLog audit,
    IOptions<MonitoringOptions> options,
    TimeProvider clock,
    ILogger<DailyMonitoringJob> logger)
{
    public const string Scheduler = "scheduler";

    public Task<MonitoringResult> RunAsync(DateOnly day, CancellationToken cancellationToken) => RunAsync(day, Scheduler, cancellationToken);

    public async Task<MonitoringResult> RunAsync(DateOnly day, string triggeredBy, CancellationToken cancellationToken)
    {
        var started = clock.GetUtcNow();
        var watch = Stopwatch.StartNew();
        var runId = await ClaimAsync(day, triggeredBy, started, cancellationToken);
        if (runId is null)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            return new MonitoringResult(await db.MonitoringRuns.AsNoTracking().SingleAsync(r => r.Day == day, cancellationToken), AlreadyRunning: true, []);
        }

        await screening.EnsureCurrentListsAsync(cancellationToken);
        var listVersion = screening.Check(string.Empty).ListVersion;
        var scan = new ScanTotals();
        try
        {
            await ScanAsync(day, scan, cancellationToken);
        }
        catch (Exception ex)
        {
            // Leave a record that says the day's run failed, so the next tick (or a person) runs it again.
            await FinishAsync(runId.Value, day, scan, listVersion, watch.ElapsedMilliseconds, MonitoringOutcome.Failed, ex.GetType().Name, CancellationToken.None);
            throw;
        }

        var run = await FinishAsync(runId.Value, day, scan, listVersion, watch.ElapsedMilliseconds, MonitoringOutcome.Succeeded, null, cancellationToken, triggeredBy);
        await NotifyAsync(scan.Raised, day, cancellationToken);
        return new MonitoringResult(run, AlreadyRunning: false, scan.Raised);
    }

    /// <summary>
    /// Takes the day: takes its row over unless another run holds it (a run older than
    /// <see cref="MonitoringOptions.StaleRunMinutes"/> has died), or inserts it (unique by day).
    /// </summary>
    private async Task<int?> ClaimAsync(DateOnly day, string triggeredBy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);

        // A rerun: take the day's row over in one conditional update, so only one of two callers wins.
        var stale = now.AddMinutes(-Math.Max(1, options.Value.StaleRunMinutes));
        var taken = await db.MonitoringRuns
            .Where(r => r.Day == day && (r.Outcome != MonitoringOutcome.Running || r.StartedAt < stale))
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Outcome, MonitoringOutcome.Running)
                .SetProperty(r => r.StartedAt, now)
                .SetProperty(r => r.FinishedAt, (DateTimeOffset?)null)
                .SetProperty(r => r.TriggeredBy, triggeredBy)
                .SetProperty(r => r.Error, (string?)null), cancellationToken);
        if (taken == 1)
        {
            return await db.MonitoringRuns.Where(r => r.Day == day).Select(r => r.Id).SingleAsync(cancellationToken);
        }

        if (await db.MonitoringRuns.AnyAsync(r => r.Day == day, cancellationToken))
        {
            return null; // a live run holds the day
        }

        // The day's first run: the unique index on Day lets exactly one insert through.
        var run = new MonitoringRun { Day = day, StartedAt = now, Outcome = MonitoringOutcome.Running, TriggeredBy = triggeredBy };
        db.MonitoringRuns.Add(run);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return run.Id;
        }
        catch (DbUpdateException ex) when (IsUniqueViolation(ex))
        {
            return null;
        }
    }

    private async Task ScanAsync(DateOnly day, ScanTotals scan, CancellationToken cancellationToken)
    {
        var batchSize = Math.Clamp(options.Value.BatchSize, 10, 5000);
        var alertOnWarnings = options.Value.AlertOnWarnings;
        var lastId = 0;
        while (true)
        {
            // Keyset over the published items, a fresh context per batch: memory stays flat at any size.
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var batch = await db.Requests.AsNoTracking()
                .Where(r => r.Status == RequestStatus.Published && r.Id > lastId)
                .OrderBy(r => r.Id)
                .Take(batchSize)
                .Select(r => new PublishedItem(r.Id, r.Title, r.BodyHtml, r.Source, r.Kind, r.Importance, r.EventDate, r.DeclarationAccepted))
                .ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                return;
            }

            lastId = batch[^1].Id;
            var ids = batch.Select(b => b.Id).ToList();
            var attachments = (await db.Attachments.AsNoTracking().Where(a => ids.Contains(a.RequestId) && !a.IsRemoved).ToListAsync(cancellationToken))
                .ToLookup(a => a.RequestId);
            var known = (await db.Alerts.AsNoTracking().Where(a => ids.Contains(a.RequestId)).Select(a => new { a.RequestId, a.HitKey }).ToListAsync(cancellationToken))
                .Select(a => (a.RequestId, a.HitKey)).ToHashSet();

            var fresh = new List<Alert>();
            foreach (var item in batch)
            {
                var content = new RequestContent(item.Title, item.BodyHtml, item.Source, item.Kind, item.Importance, item.EventDate, [], item.DeclarationAccepted);
                var report = screening.Screen(content, attachments[item.Id]);
                scan.ItemsChecked++;
                if (report.Hits.Count == 0)
                {
                    continue;
                }

                scan.ItemsWithHits++;
                scan.Hits += report.Hits.Count;
                var blocking = report.Blocked;
                if (!blocking && !(alertOnWarnings && report.HasWarnings))
                {
                    continue;
                }

                var key = HitKey(report.Hits);
                if (known.Contains((item.Id, key)))
                {
                    continue;
                }

                fresh.Add(new Alert
                {
                    RequestId = item.Id,
                    Day = day,
                    HitKey = key,
                    HitsJson = JsonSerializer.Serialize(WithContext(report.Hits, item, attachments[item.Id]), MonitoringJson.Options),
                    HitCount = report.Hits.Count,
                    HasBlockingHit = blocking,
                    ListVersion = report.ListVersion,
                    RaisedAt = clock.GetUtcNow(),
                    Status = AlertStatus.Open,
                });
            }

            foreach (var alert in fresh)
            {
                db.Alerts.Add(alert);
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                    scan.Raised.Add(new RaisedAlert(alert.Id, alert.RequestId, batch.First(b => b.Id == alert.RequestId).Title,
                        [.. alert.Hits.Select(h => h.Term).Distinct()]));
                }
                catch (DbUpdateException ex) when (IsUniqueViolation(ex))
                {
                    // Raised meanwhile by a concurrent run: one alert is enough.
                    db.ChangeTracker.Clear();
                }
            }
        }
    }

    private async Task<MonitoringRun> FinishAsync(int runId, DateOnly day, ScanTotals scan, string listVersion, long durationMs, MonitoringOutcome outcome, string? error, CancellationToken cancellationToken, string? triggeredBy = null)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var run = await db.MonitoringRuns.SingleAsync(r => r.Id == runId, cancellationToken);
        run.ItemsChecked = scan.ItemsChecked;
        run.ItemsWithHits = scan.ItemsWithHits;
        run.Hits = scan.Hits;
        run.NewAlerts = await db.Alerts.CountAsync(a => a.Day == day, cancellationToken);
        run.ListVersion = listVersion;
        run.DurationMs = durationMs;
        run.FinishedAt = clock.GetUtcNow();
        run.Outcome = outcome;
        run.Error = error;
        if (triggeredBy is not null)
        {
            // The finished run and its record commit together (ADR 0021).
            audit.Stage(db, Actor.System("monitoring"), "MonitoringRun", $"monitoring:{day:yyyy-MM-dd}", AuditOutcome.Success,
                $"by {triggeredBy}; checked {run.ItemsChecked}; hits {run.Hits}; new alerts {scan.Raised.Count}; list {listVersion}; {run.DurationMs} ms");
        }

        await db.SaveChangesAsync(CancellationToken.None);
        if (outcome == MonitoringOutcome.Failed)
        {
            logger.LogError("Monitoring run for {Day} failed after {Checked} item(s): {Error}", day, scan.ItemsChecked, error);
        }

        return run;
    }

    /// <summary>New alerts go to the web administrators and the secrecy officers; many at once as one summary.</summary>
    private async Task NotifyAsync(List<RaisedAlert> raised, DateOnly day, CancellationToken cancellationToken)
    {
        if (raised.Count == 0)
        {
            return;
        }

        var users = (await notifications.UsersInRoleAsync(Roles.Publisher, null, cancellationToken))
            .Concat(await notifications.UsersInRoleAsync(Roles.SecrecyOfficer, null, cancellationToken)).Distinct().ToList();
        if (raised.Count > options.Value.NotifyEachUpTo)
        {
            await notifications.NotifyUsersAsync(users, NotificationKinds.MonitoringAlerts,
                [raised.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)],
                MonitoringPaths.Page, cancellationToken);
            return;
        }

        foreach (var alert in raised)
        {
            await notifications.NotifyUsersAsync(users, NotificationKinds.MonitoringAlert, [alert.Title, string.Join("、", alert.Terms)], MonitoringPaths.Alert(alert.AlertId), cancellationToken);
        }
    }

    /// <summary>The identity of a hit set: where and what, not the positions.</summary>
    public static string HitKey(IEnumerable<FieldHit> hits)
    {
        var lines = hits.Select(h => $"{h.Field}\t{h.Term}\t{h.Category}\t{h.Level}").Distinct().Order(StringComparer.Ordinal);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', lines))));
    }

    /// <summary>Keeps up to 30 characters either side of each hit, so the page can show it in context later.</summary>
    private static List<AlertHit> WithContext(IReadOnlyList<FieldHit> hits, PublishedItem item, IEnumerable<Attachment> attachments)
    {
        string? body = null;
        string? FieldText(string field) => field switch
        {
            "title" => item.Title,
            "body" => body ??= HtmlCleaner.ToText(item.BodyHtml),
            "source" => item.Source,
            _ when field.StartsWith("caption:", StringComparison.Ordinal) &&
                   int.TryParse(field.AsSpan(8), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) =>
                attachments.FirstOrDefault(a => a.Id == id)?.Caption,
            _ => null,
        };

        const int Around = 30;
        return [.. hits.Select(h =>
        {
            var text = FieldText(h.Field);
            if (text is null || h.Start < 0 || h.Start + h.Length > text.Length)
            {
                return new AlertHit(h.Field, h.Start, h.Length, h.Text, h.Term, h.Category, h.Level, "", "");
            }

            var from = Math.Max(0, h.Start - Around);
            var to = Math.Min(text.Length, h.Start + h.Length + Around);
            return new AlertHit(h.Field, h.Start, h.Length, h.Text, h.Term, h.Category, h.Level,
                (from > 0 ? "…" : "") + text[from..h.Start], text[(h.Start + h.Length)..to] + (to < text.Length ? "…" : ""));
        })];
    }

    internal static bool IsUniqueViolation(DbUpdateException ex) =>
        ex.InnerException switch
        {
            Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteErrorCode == 19,
            Npgsql.PostgresException pg => pg.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation,
            _ => false,
        };

    private sealed record PublishedItem(int Id, string Title, string BodyHtml, string Source, ContentKind Kind, Importance Importance, DateOnly EventDate, bool DeclarationAccepted);

    private sealed class ScanTotals
    {
        public int ItemsChecked { get; set; }

        public int ItemsWithHits { get; set; }

        public int Hits { get; set; }

        public List<RaisedAlert> Raised { get; } = [];
    }
}

/// <summary>What a run did; <see cref="AlreadyRunning"/> when another run held the day and this one did nothing.</summary>
public sealed record MonitoringResult(MonitoringRun Run, bool AlreadyRunning, IReadOnlyList<RaisedAlert> Raised);

public sealed record RaisedAlert(int AlertId, int RequestId, string Title, IReadOnlyList<string> Terms);

public static class MonitoringPaths
{
    public const string Page = "/office/monitoring";

    public static string Alert(int id) => $"{Page}#alert-{id}";

    public static string Incident(int id) => $"{Page}#incident-{id}";
}
