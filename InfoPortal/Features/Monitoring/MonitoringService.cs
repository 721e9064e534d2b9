using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Audit;
using InfoPortal.Features.Notifications;
using InfoPortal.Features.Publishing;
using InfoPortal.Features.Requests;
using InfoPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Features.Monitoring;

/// <summary>
/// The monitoring page's and API's work: the daily records, the alerts and what is done about
/// them (dismiss with a reason, or take the item down at once and open an incident), the
/// incidents, and "run now". Who may do what is checked here (<see cref="MonitoringAccess"/>).
/// </summary>
public sealed class MonitoringService(
    IDbContextFactory<PortalDbContext> dbFactory,
    DailyMonitoringJob job,
    JobClock jobClock,
    PublishingService publishing,
    NotificationService notifications,
    AuditLog audit,
    TimeProvider clock)
{
    public async Task<IReadOnlyList<MonitoringRun>> ListRunsAsync(Actor actor, int limit = 30, DateOnly? before = null, CancellationToken cancellationToken = default)
    {
        Ensure(actor, Permissions.Monitoring.ViewRuns);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.MonitoringRuns.AsNoTracking();
        if (before is { } day) query = query.Where(r => r.Day < day);
        return await query.OrderByDescending(r => r.Day).Take(Math.Clamp(limit, 1, 366)).ToListAsync(cancellationToken);
    }

    /// <summary>Alerts, newest first, keyset-paged by id; <paramref name="status"/> null means all.</summary>
    public async Task<IReadOnlyList<AlertView>> ListAlertsAsync(Actor actor, AlertStatus? status, int? after = null, int limit = 50, CancellationToken cancellationToken = default)
    {
        Ensure(actor, Permissions.Monitoring.ViewAlerts);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Alerts.AsNoTracking();
        if (status is { } s) query = query.Where(a => a.Status == s);
        if (after is { } last) query = query.Where(a => a.Id < last);
        var rows = await WithRequest(db, query.OrderByDescending(a => a.Id).Take(Math.Clamp(limit, 1, 200))).ToListAsync(cancellationToken);
        return [.. rows.OrderByDescending(r => r.Alert.Id).Select(r => r.ToView())];
    }

    public async Task<AlertView> DismissAsync(Actor actor, int alertId, string? reason, CancellationToken cancellationToken = default)
    {
        MonitoringAccess.EnsureHandler(actor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var alert = await db.Alerts.SingleOrDefaultAsync(a => a.Id == alertId, cancellationToken) ?? throw new NotFoundException("Monitoring.Error.AlertNotFound");
        alert.Dismiss(actor, reason ?? "", clock.GetUtcNow());
        audit.Stage(db, actor, "AlertDismissed", $"alert:{alertId}", AuditOutcome.Success, $"request:{alert.RequestId}; reason: {alert.DismissReason}");
        await SaveAsync(db, cancellationToken);
        return (await ListOneAsync(db, alertId, cancellationToken))!;
    }

    /// <summary>
    /// One click from an alert (rules.md §1 第十四条, §3 七(二)): the item comes down at once through
    /// <see cref="PublishingService.TakeDownAsync(Actor, int, string, Func{PortalDbContext, Takedown, CancellationToken, Task}?, CancellationToken)"/>
    /// (snapshot, reason), and in the same transaction the alert is marked taken down and an
    /// incident is opened; then the leaders and the item's department are told.
    /// </summary>
    public async Task<TakedownFromAlert> TakeDownAsync(Actor actor, int alertId, string? reason, CancellationToken cancellationToken = default)
    {
        MonitoringAccess.EnsureHandler(actor);
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw ValidationFailedException.For("reason", "Monitoring.Error.ReasonRequired");
        }

        int requestId;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var alert = await db.Alerts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == alertId, cancellationToken) ?? throw new NotFoundException("Monitoring.Error.AlertNotFound");
            alert.EnsureOpen();
            requestId = alert.RequestId;
        }

        Incident? incident = null;
        var takedown = await publishing.TakeDownAsync(actor, requestId, reason, async (db, takedown, ct) =>
        {
            var now = clock.GetUtcNow();
            var alert = await db.Alerts.SingleAsync(a => a.Id == alertId, ct);
            alert.MarkTakenDown(actor, takedown.Id, now);
            incident = new Incident
            {
                AlertId = alertId,
                RequestId = requestId,
                TakedownId = takedown.Id,
                OpenedAt = now,
                OpenedById = actor.UserId,
                OpenedByName = actor.DisplayName,
            };
            db.Incidents.Add(incident);
            // The incident's id names it in the record, so it is saved first — still inside the
            // takedown's transaction, which commits the record with the alert change (ADR 0021).
            await db.SaveChangesAsync(ct);
            audit.Stage(db, actor, "AlertTakenDown", $"alert:{alertId}", AuditOutcome.Success,
                $"request:{requestId}; takedown:{takedown.Id}; incident:{incident.Id}; reason: {takedown.Reason}");
        }, cancellationToken);

        // The takedown itself told the leaders, the director, the department head and the author;
        // this asks the leaders and the whole department to trace the cause and report (§3 七(二)).
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var request = await db.Requests.AsNoTracking().Where(r => r.Id == requestId).Select(r => new { r.Title, r.DepartmentId }).SingleAsync(cancellationToken);
            var users = new List<int>();
            foreach (var role in new[] { Roles.Leader, Roles.PrincipalLeader })
            {
                users.AddRange(await notifications.UsersInRoleAsync(role, null, cancellationToken));
            }

            foreach (var role in new[] { Roles.Officer, Roles.DeptHead })
            {
                users.AddRange(await notifications.UsersInRoleAsync(role, request.DepartmentId, cancellationToken));
            }

            await notifications.NotifyUsersAsync(users, NotificationKinds.IncidentOpened, [request.Title, takedown.Reason], MonitoringPaths.Incident(incident!.Id), cancellationToken);
        }

        return new TakedownFromAlert(takedown, incident);
    }

    public async Task<IReadOnlyList<IncidentView>> ListIncidentsAsync(Actor actor, IncidentStatus? status, int? after = null, int limit = 50, CancellationToken cancellationToken = default)
    {
        Ensure(actor, Permissions.Monitoring.ViewAlerts);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Incidents.AsNoTracking();
        if (status is { } s) query = query.Where(i => i.Status == s);
        if (after is { } last) query = query.Where(i => i.Id < last);
        var rows = await query.OrderByDescending(i => i.Id).Take(Math.Clamp(limit, 1, 200))
            .Join(db.Takedowns, i => i.TakedownId, t => t.Id, (i, t) => new { Incident = i, t.Reason })
            .Join(db.Requests, x => x.Incident.RequestId, r => r.Id, (x, r) => new { x.Incident, x.Reason, r.Title })
            .ToListAsync(cancellationToken);
        return [.. rows.OrderByDescending(r => r.Incident.Id).Select(r => IncidentView.From(r.Incident, r.Title, r.Reason))];
    }

    /// <summary>Writes down cause, remedy and report; empty fields stay open.</summary>
    public async Task<IncidentView> RecordIncidentAsync(Actor actor, int incidentId, IncidentInput input, CancellationToken cancellationToken = default)
    {
        MonitoringAccess.EnsureHandler(actor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var incident = await LoadIncidentAsync(db, incidentId, input.Version, cancellationToken);
        incident.Record(actor, input.Cause, input.Remedy, input.ReportedTo);
        audit.Stage(db, actor, "IncidentRecorded", $"incident:{incidentId}", AuditOutcome.Success, $"request:{incident.RequestId}");
        await SaveAsync(db, cancellationToken);
        return await ViewAsync(db, incident, cancellationToken);
    }

    /// <summary>
    /// Closes an incident whose cause, remedy and report are all written down; with
    /// <paramref name="input"/> they are written and the incident closed in one step (or neither).
    /// </summary>
    public async Task<IncidentView> CloseIncidentAsync(Actor actor, int incidentId, IncidentInput? input = null, CancellationToken cancellationToken = default)
    {
        MonitoringAccess.EnsureHandler(actor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var incident = await LoadIncidentAsync(db, incidentId, input?.Version, cancellationToken);
        if (input is not null && (input.Cause ?? input.Remedy ?? input.ReportedTo) is not null)
        {
            incident.Record(actor, input.Cause, input.Remedy, input.ReportedTo);
        }

        incident.Close(actor, clock.GetUtcNow());
        audit.Stage(db, actor, "IncidentClosed", $"incident:{incidentId}", AuditOutcome.Success, $"request:{incident.RequestId}");
        await SaveAsync(db, cancellationToken);
        return await ViewAsync(db, incident, cancellationToken);
    }

    /// <summary>"Run now": today's job (replacing today's record), for the system administrator and the web administrator.</summary>
    public async Task<MonitoringResult> RunNowAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        Ensure(actor, Permissions.Monitoring.RunNow);
        var day = jobClock.Today;
        await audit.AppendAsync(actor, "MonitoringRunRequested", $"monitoring:{day:yyyy-MM-dd}", AuditOutcome.Success, null, cancellationToken);
        var result = await job.RunAsync(day, actor.UserName, cancellationToken);
        if (result.AlreadyRunning)
        {
            throw new ConflictException("Monitoring.Error.AlreadyRunning");
        }

        return result;
    }

    public bool CanHandle(Actor actor) => actor.Has(Permissions.Monitoring.Handle);

    public bool CanRun(Actor actor) => actor.Has(Permissions.Monitoring.RunNow);

    public bool CanReadAlerts(Actor actor) => actor.Has(Permissions.Monitoring.ViewAlerts);

    private static void Ensure(Actor actor, string permission)
    {
        if (!actor.Has(permission))
        {
            throw new ForbiddenException("Monitoring.Error.NotAllowed");
        }
    }

    private static async Task<Incident> LoadIncidentAsync(PortalDbContext db, int id, int? version, CancellationToken cancellationToken)
    {
        var incident = await db.Incidents.SingleOrDefaultAsync(i => i.Id == id, cancellationToken) ?? throw new NotFoundException("Monitoring.Error.IncidentNotFound");
        if (version is { } expected && expected != incident.Version)
        {
            throw new ConflictException("Monitoring.Error.ChangedMeanwhile");
        }

        return incident;
    }

    private static async Task<IncidentView> ViewAsync(PortalDbContext db, Incident incident, CancellationToken cancellationToken)
    {
        var title = await db.Requests.Where(r => r.Id == incident.RequestId).Select(r => r.Title).SingleAsync(cancellationToken);
        var reason = await db.Takedowns.Where(t => t.Id == incident.TakedownId).Select(t => t.Reason).SingleAsync(cancellationToken);
        return IncidentView.From(incident, title, reason);
    }

    private static async Task<AlertView?> ListOneAsync(PortalDbContext db, int alertId, CancellationToken cancellationToken)
    {
        var row = await WithRequest(db, db.Alerts.AsNoTracking().Where(a => a.Id == alertId)).SingleOrDefaultAsync(cancellationToken);
        return row?.ToView();
    }

    /// <summary>Alerts joined with what the page shows of their request: title, status, department, incident.</summary>
    private static IQueryable<AlertRow> WithRequest(PortalDbContext db, IQueryable<Alert> alerts) =>
        alerts.Join(db.Requests, a => a.RequestId, r => r.Id, (a, r) => new AlertRow(
            a,
            r.Title,
            r.Status,
            db.Departments.Where(d => d.Id == r.DepartmentId).Select(d => d.Name).FirstOrDefault(),
            db.Incidents.Where(i => i.AlertId == a.Id).Select(i => (int?)i.Id).FirstOrDefault()));

    private sealed record AlertRow(Alert Alert, string Title, RequestStatus Status, string? Department, int? IncidentId)
    {
        public AlertView ToView() => AlertView.From(Alert, Title, Department ?? "", Status, IncidentId);
    }

    private static async Task SaveAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictException("Monitoring.Error.ChangedMeanwhile");
        }
    }
}

public sealed record AlertView(
    int Id, int RequestId, string Title, string Department, RequestStatus RequestStatus, DateOnly Day, DateTimeOffset RaisedAt,
    AlertStatus Status, IReadOnlyList<AlertHit> Hits, bool HasBlockingHit, string ListVersion,
    string? DismissReason, string? HandledByName, DateTimeOffset? HandledAt, int? TakedownId, int? IncidentId, string PublicUrl)
{
    public static AlertView From(Alert a, string title, string department, RequestStatus requestStatus, int? incidentId) =>
        new(a.Id, a.RequestId, title, department, requestStatus, a.Day, a.RaisedAt, a.Status, a.Hits, a.HasBlockingHit, a.ListVersion,
            a.DismissReason, a.HandledByName, a.HandledAt, a.TakedownId, incidentId, PublicLinks.Article(a.RequestId));
}

public sealed record IncidentView(
    int Id, int AlertId, int RequestId, string Title, int TakedownId, string TakedownReason, DateTimeOffset OpenedAt, string OpenedByName,
    string? Cause, string? Remedy, string? ReportedTo, IncidentStatus Status, string? ClosedByName, DateTimeOffset? ClosedAt, int Version)
{
    public static IncidentView From(Incident i, string title, string reason) =>
        new(i.Id, i.AlertId, i.RequestId, title, i.TakedownId, reason, i.OpenedAt, i.OpenedByName,
            i.Cause, i.Remedy, i.ReportedTo, i.Status, i.ClosedByName, i.ClosedAt, i.Version);
}

public sealed record IncidentInput(string? Cause, string? Remedy, string? ReportedTo, int? Version = null);

public sealed record TakedownFromAlert(Takedown Takedown, Incident Incident);
