using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Audit;
using InfoPortal.Features.Columns;
using InfoPortal.Features.Notifications;
using InfoPortal.Features.Requests;
using InfoPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Features.Publishing;

/// <summary>
/// The web administrator's work: publish now or at a time, add an externally published item to
/// the intranet, and take down at once with a reason and a frozen snapshot.
/// </summary>
public sealed class PublishingService(
    IDbContextFactory<PortalDbContext> dbFactory,
    NotificationService notifications,
    Search.SearchService search,
    Screening.ScreeningService screening,
    Screening.ScreeningRecorder screeningResults,
    AuditLog audit,
    Archive.ArchiveService archive,
    TimeProvider clock,
    ILogger<PublishingService> logger)
{
    /// <summary>Publishes now, or schedules when <paramref name="at"/> lies in the future.</summary>
    public async Task<PublicationRequest> PublishAsync(Actor actor, int id, DateTimeOffset? at, IReadOnlyList<int>? columnIds, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var request = await RequestService.LoadForChangeAsync(db, actor, id, null, cancellationToken);
        var now = clock.GetUtcNow();
        if (at is { } when && when > now)
        {
            if (columnIds is { Count: > 0 })
            {
                // A scheduled item publishes in its approved columns; asking for others is refused, not ignored.
                request.EnsureApprovedColumns(columnIds);
            }

            request.Schedule(actor, when, now);
            audit.Stage(db, actor, "RequestScheduled", $"request:{id}", AuditOutcome.Success, $"at {when:O}");
            await RequestService.SaveAsync(db, CancellationToken.None);
            return request;
        }

        var wanted = columnIds is { Count: > 0 } ? columnIds : request.Columns.Select(c => c.ColumnId).ToList();
        var columns = await db.Columns.Where(c => wanted.Contains(c.Id) && !c.IsRetired).ToListAsync(cancellationToken);
        if (columns.Count != wanted.Distinct().Count())
        {
            throw ValidationFailedException.For("columnIds", "Requests.Validation.ColumnsInvalid");
        }

        var shortcut = request.Status == RequestStatus.Published;
        if (!shortcut && request.Status is RequestStatus.Approved or RequestStatus.Scheduled && actor.Has(Permissions.Publishing.Publish))
        {
            // §3 六: screened again against the lists as they are now; overrides made at submit still count.
            await screening.EnsureCurrentListsAsync(db, cancellationToken);
            var report = screening.Screen(request.CurrentContent, request.Attachments);
            var unresolved = Screening.ScreeningPolicy.Unresolved(report, await Screening.ScreeningRecorder.OverridesAsync(db, request, cancellationToken));
            if (unresolved.Count > 0)
            {
                // The refusal and its record commit together; the request itself is unchanged.
                db.ScreeningResults.Add(screeningResults.Build(request, Screening.ScreeningStage.Publish, report, false, actor));
                audit.Stage(db, actor, "PublishRefused", $"request:{id}", AuditOutcome.Refused,
                    $"screening ({report.ListVersion}): " + string.Join(", ", unresolved.Select(h => $"{h.Field}:{h.Term}")));
                await db.SaveChangesAsync(CancellationToken.None);
                throw new Screening.ScreeningBlockedException(report, "Screening.BlockedPublish");
            }

            db.ScreeningResults.Add(screeningResults.Build(request, Screening.ScreeningStage.Publish, report, true, actor));
        }

        request.Publish(actor, columns, now);
        // One transaction (ADR 0021): the publication, its search row, audit record, 永久保留 archive
        // record and the author's notification commit together or not at all (scheduled publishing
        // comes through here too). Everything up to the save only reads, so a cancelled caller leaves nothing.
        await search.StageAsync(db, request, cancellationToken);
        audit.Stage(db, actor, "RequestPublished", $"request:{id}", AuditOutcome.Success,
            $"{(shortcut ? "internal shortcut; " : "")}columns {string.Join(',', columns.Select(c => c.Id))}; v{request.ContentVersion} {request.ContentSha256}");
        await archive.StageAsync(db, Archive.ArchiveKind.Published, request, cancellationToken);
        await notifications.StageUsersAsync(db, [request.OfficerId], NotificationKinds.Published, [request.Title], PublicLinks.Article(id), cancellationToken);
        await RequestService.SaveAsync(db, CancellationToken.None);
        return request;
    }

    /// <summary>The scheduled-publishing job: publishes every item whose time has come. Safe to run twice.</summary>
    public async Task<int> PublishDueAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var due = await db.Requests.Where(r => r.Status == RequestStatus.Scheduled && r.ScheduledFor <= now)
            .OrderBy(r => r.ScheduledFor).ThenBy(r => r.Id).Select(r => r.Id).Take(500).ToListAsync(cancellationToken);
        var scheduler = new Actor(null, "scheduler", "scheduler", null, new HashSet<string> { Roles.Publisher }, null);
        var published = 0;
        foreach (var id in due)
        {
            try
            {
                await PublishAsync(scheduler, id, null, null, cancellationToken);
                published++;
            }
            catch (ConflictException)
            {
                // Taken down or published by someone else in the meantime.
            }
            catch (Screening.ScreeningBlockedException blocked)
            {
                await StopScheduledAsync(id, blocked.Report, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One bad item (a retired column, a broken file) must not hold up the others: it
                // leaves the schedule and the publishers are told; the rest go on.
                logger.LogError(ex, "Scheduled publishing of request {RequestId} failed", id);
                await FailScheduledAsync(id, ex, cancellationToken);
            }
        }

        return published;
    }

    /// <summary>A scheduled item that screening now blocks: back to Approved, publisher and secrecy officer told.</summary>
    private async Task StopScheduledAsync(int id, Screening.ScreeningReport report, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var request = await db.Requests.SingleAsync(r => r.Id == id, cancellationToken);
        if (request.Status != RequestStatus.Scheduled)
        {
            return;
        }

        request.CancelSchedule(clock.GetUtcNow());
        var terms = string.Join("、", report.BlockingHits.Select(h => h.Text).Distinct());
        audit.Stage(db, new AuditEntry(null, "scheduler", null, "ScheduledPublishStopped", $"request:{id}", AuditOutcome.Refused, $"screening ({report.ListVersion}): {terms}"));
        string[] args = [request.Title, terms];
        var href = $"/office/requests/{id}";
        await notifications.StageRoleAsync(db, Roles.Publisher, null, NotificationKinds.ScreeningBlockedPublish, args, href, cancellationToken);
        await notifications.StageRoleAsync(db, Roles.SecrecyOfficer, null, NotificationKinds.ScreeningBlockedPublish, args, href, cancellationToken);
        await RequestService.SaveAsync(db, CancellationToken.None);
    }

    /// <summary>A scheduled item that could not be published: back to Approved, with an audit record, and the publishers told.</summary>
    private async Task FailScheduledAsync(int id, Exception error, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var request = await db.Requests.SingleAsync(r => r.Id == id, cancellationToken);
        if (request.Status != RequestStatus.Scheduled)
        {
            return;
        }

        request.CancelSchedule(clock.GetUtcNow());
        var reason = error is ValidationFailedException invalid
            ? string.Join("; ", invalid.Errors.SelectMany(e => e.Value.Select(v => $"{e.Key}: {v}")))
            : error.Message;
        audit.Stage(db, new AuditEntry(null, "scheduler", null, "ScheduledPublishFailed", $"request:{id}", AuditOutcome.Failure, reason));
        await notifications.StageRoleAsync(db, Roles.Publisher, null, NotificationKinds.ScheduledPublishFailed, [request.Title], $"/office/requests/{id}", cancellationToken);
        await RequestService.SaveAsync(db, CancellationToken.None);
    }

    /// <summary>
    /// Takes an item down everywhere at once (rules.md §1 第十四条): keeps a snapshot of what was
    /// online, records the reason, and tells the leaders and the department.
    /// </summary>
    public Task<Takedown> TakeDownAsync(Actor actor, int id, string reason, CancellationToken cancellationToken = default) =>
        TakeDownAsync(actor, id, reason, null, cancellationToken);

    /// <summary>
    /// As above; <paramref name="alsoInTransaction"/> is more work that commits or fails together
    /// with the takedown (the monitoring alert and its incident). It runs after the takedown row
    /// has its id, and saves with it.
    /// </summary>
    public async Task<Takedown> TakeDownAsync(Actor actor, int id, string reason, Func<PortalDbContext, Takedown, CancellationToken, Task>? alsoInTransaction, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var request = await RequestService.LoadForChangeAsync(db, actor, id, null, cancellationToken);
        var live = request.Publications.Where(p => p.TakenDownAt is null).ToList();
        var onlineVersion = live.Count > 0 ? live.Max(p => p.ContentVersion) : request.ContentVersion;
        var now = clock.GetUtcNow();
        request.TakeDown(actor, reason, now);
        var snapshot = await db.ContentVersions.AsNoTracking().SingleAsync(v => v.RequestId == id && v.Number == onlineVersion, cancellationToken);
        var takedown = new Takedown
        {
            RequestId = id,
            At = now,
            ActorId = actor.UserId ?? 0,
            ActorName = actor.DisplayName,
            Reason = reason.Trim(),
            SnapshotJson = snapshot.SnapshotJson,
            ContentSha256 = snapshot.Sha256,
            ColumnIds = string.Join(',', live.Select(p => p.ColumnId)),
        };
        db.Takedowns.Add(takedown);

        // One transaction (ADR 0021): takedown, search row, archive record, audit record and the
        // notices commit together; everything before the first save only reads.
        await search.StageAsync(db, request, cancellationToken);
        await archive.StageAsync(db, Archive.ArchiveKind.TakenDown, request, cancellationToken);
        audit.Stage(db, actor, "RequestTakenDown", $"request:{id}", AuditOutcome.Success, $"reason: {takedown.Reason}; snapshot v{onlineVersion} {snapshot.Sha256}");
        string[] args = [request.Title, actor.DisplayName, takedown.Reason];
        var href = $"/office/requests/{id}";
        foreach (var role in new[] { Roles.Leader, Roles.PrincipalLeader, Roles.OfficeDirector })
        {
            await notifications.StageRoleAsync(db, role, null, NotificationKinds.TakenDown, args, href, cancellationToken);
        }

        await notifications.StageRoleAsync(db, Roles.DeptHead, request.DepartmentId, NotificationKinds.TakenDown, args, href, cancellationToken);
        await notifications.StageUsersAsync(db, [request.OfficerId], NotificationKinds.TakenDown, args, href, cancellationToken);

        var none = CancellationToken.None;
        await using (var transaction = alsoInTransaction is null ? null : await db.Database.BeginTransactionAsync(none))
        {
            await RequestService.SaveAsync(db, none);
            if (transaction is not null)
            {
                await alsoInTransaction!(db, takedown, none);
                await RequestService.SaveAsync(db, none);
                await transaction.CommitAsync(none);
            }
        }

        return takedown;
    }

    /// <summary>
    /// The publisher's work list, keyset-paged by id (newest first): <see cref="PublishingList.Waiting"/> is
    /// approved or scheduled items, <see cref="PublishingList.Published"/> is what is online now.
    /// </summary>
    public async Task<IReadOnlyList<PublishingItem>> ListAsync(Actor actor, PublishingList list, int? after = null, int limit = 50, CancellationToken cancellationToken = default)
    {
        if (!actor.Has(Permissions.Publishing.Publish))
        {
            throw new ForbiddenException("Requests.Error.PublisherOnly");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Requests.AsNoTracking().VisibleTo(actor);
        query = list == PublishingList.Waiting
            ? query.Where(r => r.Status == RequestStatus.Approved || r.Status == RequestStatus.Scheduled)
            : query.Where(r => r.Status == RequestStatus.Published);
        if (after is { } last) query = query.Where(r => r.Id < last);
        var items = await query.OrderByDescending(r => r.Id).Take(Math.Clamp(limit, 1, 200))
            .Select(r => new
            {
                r.Id, r.Title, r.Status, r.Importance,
                Department = db.Departments.Where(d => d.Id == r.DepartmentId).Select(d => d.Name).First(),
                r.ApprovedAt, r.ScheduledFor, r.PublishedAt, r.Version,
                Live = r.Publications.Where(p => p.TakenDownAt == null).Select(p => p.ColumnId).ToList(),
                Targets = r.Columns.Select(c => c.ColumnId).ToList(),
            })
            .ToListAsync(cancellationToken);
        var names = await db.Columns.AsNoTracking().ToDictionaryAsync(c => c.Id, c => (c.Name, c.Site), cancellationToken);
        IReadOnlyList<PublishedColumn> Named(IEnumerable<int> ids) =>
            [.. ids.Where(names.ContainsKey).Select(id => new PublishedColumn(id, names[id].Name, names[id].Site))];
        return [.. items.Select(i => new PublishingItem(i.Id, i.Title, i.Status, i.Importance, i.Department, i.ApprovedAt, i.ScheduledFor, i.PublishedAt, i.Version,
            Named(i.Targets), Named(i.Live)))];
    }

    public async Task<int> CountWaitingAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        if (!actor.Has(Permissions.Publishing.Publish))
        {
            return 0;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Requests.VisibleTo(actor).CountAsync(r => r.Status == RequestStatus.Approved || r.Status == RequestStatus.Scheduled, cancellationToken);
    }

    public async Task<IReadOnlyList<Takedown>> TakedownsAsync(int requestId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Takedowns.AsNoTracking().Where(t => t.RequestId == requestId).OrderBy(t => t.Id).ToListAsync(cancellationToken);
    }
}

public enum PublishingList
{
    Waiting = 1,
    Published = 2,
}

public sealed record PublishedColumn(int Id, string Name, Site Site);

/// <summary>One row of the publisher's lists: target columns (as requested) and live columns (online now).</summary>
public sealed record PublishingItem(
    int Id, string Title, RequestStatus Status, Importance Importance, string Department,
    DateTimeOffset? ApprovedAt, DateTimeOffset? ScheduledFor, DateTimeOffset? PublishedAt, int Version,
    IReadOnlyList<PublishedColumn> TargetColumns, IReadOnlyList<PublishedColumn> LiveColumns);

/// <summary>Publishing options (<c>Publishing</c>).</summary>
public sealed class PublishingOptions
{
    public const string Section = "Publishing";
}

/// <summary>
/// Scheduled publishing as a periodic job (every minute): publishes every item whose time has come.
/// The schedule lives in our own table (Requests.ScheduledFor), so a restart loses nothing and a
/// rerun publishes nothing twice.
/// </summary>
public sealed class ScheduledPublishingJob(PublishingService publishing) : Infrastructure.Jobs.PeriodicJob
{
    public override string Name => "scheduled-publishing";

    public override Infrastructure.Jobs.PeriodKind Kind => Infrastructure.Jobs.PeriodKind.Minute;

    public override string DefaultCron => "* * * * *";

    public override Infrastructure.Jobs.JobPeriod PeriodAt(DateTime local) => Infrastructure.Jobs.JobPeriod.Containing(Kind, local);

    public override async Task<Infrastructure.Jobs.JobResult> RunAsync(Infrastructure.Jobs.JobPeriod period, CancellationToken cancellationToken) =>
        Infrastructure.Jobs.JobResult.Done(await publishing.PublishDueAsync(cancellationToken));
}
