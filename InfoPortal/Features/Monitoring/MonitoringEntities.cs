using System.Text.Json;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Infrastructure;

namespace InfoPortal.Features.Monitoring;

public enum MonitoringOutcome
{
    Running = 1,
    Succeeded = 2,
    Failed = 3,
}

/// <summary>
/// 每日监管记录: one rescan of everything published, one row per local day (unique). A rerun the
/// same day replaces the row's figures in place; it never adds a second row.
/// </summary>
public sealed class MonitoringRun
{
    public int Id { get; set; }

    /// <summary>The local day (Jobs:TimeZone) the run is for.</summary>
    public DateOnly Day { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public int ItemsChecked { get; set; }

    /// <summary>Items with at least one hit.</summary>
    public int ItemsWithHits { get; set; }

    /// <summary>All hits found in all items.</summary>
    public int Hits { get; set; }

    /// <summary>Alerts raised for this day (all runs of the day together, so a rerun does not hide them).</summary>
    public int NewAlerts { get; set; }

    public long DurationMs { get; set; }

    public string ListVersion { get; set; } = "";

    public MonitoringOutcome Outcome { get; set; }

    /// <summary>"scheduler" or the user who pressed "run now".</summary>
    public string TriggeredBy { get; set; } = "";

    public string? Error { get; set; }
}

public enum AlertStatus
{
    Open = 1,
    Dismissed = 2,
    TakenDown = 3,
}

/// <summary>One hit as an alert keeps it: where (field), what (term, category, level), and the words around it.</summary>
public sealed record AlertHit(string Field, int Start, int Length, string Text, string Term, string Category, string Level, string Before, string After);

/// <summary>
/// 告警: a published item the daily rescan found hits in. Raised once per item and hit set
/// (unique (RequestId, HitKey)); a dismissed set is not raised again, a different set is.
/// </summary>
public sealed class Alert
{
    public int Id { get; set; }

    public int RequestId { get; set; }

    /// <summary>The local day of the run that raised it.</summary>
    public DateOnly Day { get; set; }

    /// <summary>SHA-256 over the sorted distinct (field, term, category, level) of the hits.</summary>
    public string HitKey { get; set; } = "";

    public string HitsJson { get; set; } = "[]";

    public int HitCount { get; set; }

    public bool HasBlockingHit { get; set; }

    public string ListVersion { get; set; } = "";

    public DateTimeOffset RaisedAt { get; set; }

    public AlertStatus Status { get; set; } = AlertStatus.Open;

    public string? DismissReason { get; set; }

    public int? HandledById { get; set; }

    public string? HandledByName { get; set; }

    public DateTimeOffset? HandledAt { get; set; }

    public int? TakedownId { get; set; }

    /// <summary>Optimistic-concurrency token: a dismiss and a takedown at once — one wins.</summary>
    public int Version { get; set; }

    public IReadOnlyList<AlertHit> Hits => JsonSerializer.Deserialize<List<AlertHit>>(HitsJson, MonitoringJson.Options) ?? [];

    public void Dismiss(Actor actor, string reason, DateTimeOffset now)
    {
        MonitoringAccess.EnsureHandler(actor);
        EnsureOpen();
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw ValidationFailedException.For("reason", "Monitoring.Error.ReasonRequired");
        }

        Status = AlertStatus.Dismissed;
        DismissReason = reason.Trim();
        Handled(actor, now);
    }

    public void MarkTakenDown(Actor actor, int takedownId, DateTimeOffset now)
    {
        MonitoringAccess.EnsureHandler(actor);
        EnsureOpen();
        Status = AlertStatus.TakenDown;
        TakedownId = takedownId;
        Handled(actor, now);
    }

    public void EnsureOpen()
    {
        if (Status != AlertStatus.Open)
        {
            throw new ConflictException("Monitoring.Error.AlertNotOpen");
        }
    }

    private void Handled(Actor actor, DateTimeOffset now)
    {
        HandledById = actor.UserId;
        HandledByName = actor.DisplayName;
        HandledAt = now;
        Version++;
    }
}

public enum IncidentStatus
{
    Open = 1,
    Closed = 2,
}

/// <summary>
/// 事件: what follows a takedown from an alert (rules.md §3 七(二)): find the cause (原因), take
/// remedial measures (整改措施) and report (报告); closed once all three are written down.
/// </summary>
public sealed class Incident
{
    public int Id { get; set; }

    public int AlertId { get; set; }

    public int RequestId { get; set; }

    public int TakedownId { get; set; }

    public DateTimeOffset OpenedAt { get; set; }

    public int? OpenedById { get; set; }

    public string OpenedByName { get; set; } = "";

    public string? Cause { get; set; }

    public string? Remedy { get; set; }

    /// <summary>报告: to whom and how it was reported, as text.</summary>
    public string? ReportedTo { get; set; }

    public IncidentStatus Status { get; set; } = IncidentStatus.Open;

    public int? ClosedById { get; set; }

    public string? ClosedByName { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    public int Version { get; set; }

    public void Record(Actor actor, string? cause, string? remedy, string? reportedTo)
    {
        MonitoringAccess.EnsureHandler(actor);
        if (Status != IncidentStatus.Open)
        {
            throw new ConflictException("Monitoring.Error.IncidentClosed");
        }

        Cause = Clean(cause);
        Remedy = Clean(remedy);
        ReportedTo = Clean(reportedTo);
        Version++;
    }

    public void Close(Actor actor, DateTimeOffset now)
    {
        MonitoringAccess.EnsureHandler(actor);
        if (Status != IncidentStatus.Open)
        {
            throw new ConflictException("Monitoring.Error.IncidentClosed");
        }

        var errors = new Dictionary<string, string[]>();
        if (Cause is null) errors["cause"] = ["Monitoring.Error.CauseRequired"];
        if (Remedy is null) errors["remedy"] = ["Monitoring.Error.RemedyRequired"];
        if (ReportedTo is null) errors["reportedTo"] = ["Monitoring.Error.ReportRequired"];
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors, "Monitoring.Error.IncidentIncomplete");
        }

        Status = IncidentStatus.Closed;
        ClosedById = actor.UserId;
        ClosedByName = actor.DisplayName;
        ClosedAt = now;
        Version++;
    }

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

/// <summary>Who may do what in monitoring; services and entities both ask here.</summary>
public static class MonitoringAccess
{
    /// <summary>Dismiss, take down, record incidents (<see cref="Permissions.Monitoring.Handle"/>).</summary>
    public static void EnsureHandler(Actor actor)
    {
        if (!actor.Has(Permissions.Monitoring.Handle))
        {
            throw new ForbiddenException("Monitoring.Error.HandlerOnly");
        }
    }
}

internal static class MonitoringJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
