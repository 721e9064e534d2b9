using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Audit;
using InfoPortal.Features.Notifications;
using InfoPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InfoPortal.Features.Columns.Governance;

/// <summary>
/// Column governance (§2 第六章第一条): the office proposes, a leader decides, the Publisher applies.
/// This is the only way the column tree changes; each step is audited and told to the next person.
/// </summary>
public sealed class ColumnChangeService(
    IDbContextFactory<PortalDbContext> dbFactory,
    AuditLog audit,
    NotificationService notifications,
    InTransactionEvents events,
    IOptions<ColumnOptions> options,
    TimeProvider clock)
{
    public const string ProposedKind = "ColumnChangeProposed";
    public const string ApprovedKind = "ColumnChangeApproved";
    public const string RejectedKind = "ColumnChangeRejected";

    public static bool CanSee(Actor actor) =>
        actor.IsAuthenticated && actor.Has(Permissions.Columns.ViewChanges);

    public async Task<ColumnChangeRequest> ProposeAsync(Actor actor, ColumnChangeInput input, CancellationToken cancellationToken = default)
    {
        if (!ColumnChangeRequest.CanPropose(actor))
        {
            throw new ForbiddenException("ColumnChanges.ProposeForbidden");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        input = input with { StaleAfterDays = input.Kind == ColumnChangeKind.Create ? input.StaleAfterDays ?? options.Value.StaleAfterDays : input.StaleAfterDays };
        await ValidateAsync(db, input, proposing: true, cancellationToken);
        var change = ColumnChangeRequest.Propose(actor, input, clock.GetUtcNow());
        db.ColumnChangeRequests.Add(change);
        await db.SaveChangesAsync(cancellationToken);
        await audit.AppendAsync(actor, "ColumnChangeProposed", $"column-change:{change.Id}", AuditOutcome.Success, await DescribeAsync(db, change, cancellationToken), cancellationToken);
        var leaders = (await notifications.UsersInRoleAsync(Roles.Leader, null, cancellationToken))
            .Concat(await notifications.UsersInRoleAsync(Roles.PrincipalLeader, null, cancellationToken))
            .Where(u => u != actor.UserId);
        await notifications.NotifyUsersAsync(leaders, ProposedKind, [change.Reason], Href(change.Id), cancellationToken);
        return change;
    }

    public async Task<ColumnChangeRequest> ApproveAsync(Actor actor, int id, string? opinion, int? version, CancellationToken cancellationToken = default) =>
        await DecideAsync(actor, id, version, c => c.Approve(actor, opinion, clock.GetUtcNow()), cancellationToken);

    public async Task<ColumnChangeRequest> RejectAsync(Actor actor, int id, string? opinion, int? version, CancellationToken cancellationToken = default) =>
        await DecideAsync(actor, id, version, c => c.Reject(actor, opinion, clock.GetUtcNow()), cancellationToken);

    private async Task<ColumnChangeRequest> DecideAsync(Actor actor, int id, int? version, Action<ColumnChangeRequest> decide, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var change = await LoadAsync(db, actor, id, version, cancellationToken);
        try
        {
            decide(change);
        }
        catch (PortalException ex) when (ex is ForbiddenException or ConflictException)
        {
            await audit.AppendAsync(actor, "ColumnChangeDecisionRefused", $"column-change:{id}", AuditOutcome.Refused, ex.Message, cancellationToken);
            throw;
        }

        var approved = change.Status == ColumnChangeStatus.Approved;
        audit.Stage(db, actor, approved ? "ColumnChangeApproved" : "ColumnChangeRejected", $"column-change:{id}", AuditOutcome.Success, change.Opinion);
        await SaveAsync(db, CancellationToken.None);
        var told = new List<int> { change.ProposedById };
        if (approved)
        {
            told.AddRange(await notifications.UsersInRoleAsync(Roles.Publisher, null, cancellationToken));
        }

        await notifications.NotifyUsersAsync(told, approved ? ApprovedKind : RejectedKind, [change.Reason], Href(id), cancellationToken);
        return change;
    }

    /// <summary>
    /// Carries out an approved change in one transaction with the request's own state change.
    /// Anything not approved by a leader is refused (409 change_not_approved / change_rejected).
    /// </summary>
    public async Task<ColumnChangeRequest> ApplyAsync(Actor actor, int id, int? version, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var change = await LoadAsync(db, actor, id, version, cancellationToken);
        if (!ColumnChangeRequest.CanApply(actor))
        {
            await audit.AppendAsync(actor, "ColumnChangeApplyRefused", $"column-change:{id}", AuditOutcome.Refused, "not publisher", cancellationToken);
            throw new ForbiddenException("ColumnChanges.ApplyForbidden");
        }

        try
        {
            change.EnsureApplicable();
        }
        catch (ColumnChangeStateException ex)
        {
            await audit.AppendAsync(actor, "ColumnChangeApplyRefused", $"column-change:{id}", AuditOutcome.Refused, ex.Code, cancellationToken);
            throw;
        }

        // The tree may have moved since the proposal: check again against today's columns.
        await ValidateAsync(db, ToInput(change), proposing: false, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow();
        int? result = null;
        switch (change.Kind)
        {
            case ColumnChangeKind.Create:
                var siblings = await db.Columns.Where(c => c.Site == change.Site && c.ParentId == change.ParentId).Select(c => (int?)c.SortOrder).MaxAsync(cancellationToken) ?? 0;
                var column = new Column
                {
                    Site = change.Site,
                    ParentId = change.ParentId,
                    Name = change.Name!,
                    SortOrder = siblings + 10,
                    StaleAfterDays = change.StaleAfterDays ?? options.Value.StaleAfterDays,
                    ResponsibleDepartmentId = change.ResponsibleDepartmentId,
                    CreatedAt = now,
                };
                db.Columns.Add(column);
                await db.SaveChangesAsync(cancellationToken);
                result = column.Id;
                break;
            case ColumnChangeKind.Rename:
                (await db.Columns.SingleAsync(c => c.Id == change.ColumnId, cancellationToken)).Name = change.Name!;
                break;
            case ColumnChangeKind.Retire:
                (await db.Columns.SingleAsync(c => c.Id == change.ColumnId, cancellationToken)).IsRetired = true;
                break;
            case ColumnChangeKind.Merge:
                await MergeAsync(db, change.ColumnId!.Value, change.TargetColumnId!.Value, cancellationToken);
                result = change.TargetColumnId;
                break;
            case ColumnChangeKind.Layout:
                var slots = change.Layout.ToDictionary(s => s.ColumnId);
                foreach (var c in await db.Columns.Where(c => slots.Keys.Contains(c.Id)).ToListAsync(cancellationToken))
                {
                    c.ParentId = slots[c.Id].ParentId;
                    c.SortOrder = slots[c.Id].SortOrder;
                }

                break;
        }

        change.Apply(actor, result, now);
        await SaveAsync(db, CancellationToken.None);
        audit.Stage(db, actor, "ColumnChangeApplied", $"column-change:{id}", AuditOutcome.Success, await DescribeAsync(db, change, CancellationToken.None));
        await SaveAsync(db, CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        return change;
    }

    /// <summary>
    /// Moves what is filed under the source column into the target, then retires the source. Columns
    /// know nothing of what is filed under them: the features that file items there (Requests: the
    /// requests' columns and the publications) move their rows in this transaction (<see cref="ColumnMerged"/>).
    /// </summary>
    private async Task MergeAsync(PortalDbContext db, int source, int target, CancellationToken cancellationToken)
    {
        await events.RaiseAsync(db, new ColumnMerged(source, target), cancellationToken);
        (await db.Columns.SingleAsync(c => c.Id == source, cancellationToken)).IsRetired = true;
    }

    public async Task<ColumnChangeRequest> GetAsync(Actor actor, int id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await LoadAsync(db, actor, id, null, cancellationToken);
    }

    /// <summary>Change requests newest first, keyset-paged by id.</summary>
    public async Task<IReadOnlyList<ColumnChangeRequest>> ListAsync(Actor actor, ColumnChangeStatus? status = null, int? after = null, int limit = 50, CancellationToken cancellationToken = default)
    {
        if (!CanSee(actor))
        {
            throw new ForbiddenException("ColumnChanges.SeeForbidden");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ColumnChangeRequests.AsNoTracking()
            .Where(c => (status == null || c.Status == status) && (after == null || c.Id < after))
            .OrderByDescending(c => c.Id).Take(Math.Clamp(limit, 1, 200))
            .ToListAsync(cancellationToken);
    }

    private static async Task<ColumnChangeRequest> LoadAsync(PortalDbContext db, Actor actor, int id, int? version, CancellationToken cancellationToken)
    {
        if (!CanSee(actor))
        {
            throw new NotFoundException("ColumnChanges.NotFound");
        }

        var change = await db.ColumnChangeRequests.SingleOrDefaultAsync(c => c.Id == id, cancellationToken) ?? throw new NotFoundException("ColumnChanges.NotFound");
        if (version is { } v && v != change.Version)
        {
            throw new ColumnChangeStateException("ColumnChanges.Stale", "stale_version");
        }

        return change;
    }

    private static async Task SaveAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ColumnChangeStateException("ColumnChanges.Stale", "stale_version");
        }
    }

    private static ColumnChangeInput ToInput(ColumnChangeRequest c) =>
        new(c.Kind, c.Site, c.Reason, c.ColumnId, c.TargetColumnId, c.Name, c.ParentId, c.StaleAfterDays, c.ResponsibleDepartmentId, c.Layout);

    private static async Task ValidateAsync(PortalDbContext db, ColumnChangeInput input, bool proposing, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        void Error(string field, string key) => errors.TryAdd(field, [key]);
        if (proposing && (string.IsNullOrWhiteSpace(input.Reason) || input.Reason.Trim().Length > 2000))
        {
            Error("reason", "ColumnChanges.ReasonRequired");
        }

        if (!Enum.IsDefined(input.Kind))
        {
            Error("kind", "ColumnChanges.KindInvalid");
        }

        var columns = await db.Columns.AsNoTracking().Where(c => c.Site == input.Site).ToListAsync(cancellationToken);
        var byId = columns.ToDictionary(c => c.Id);
        Column? Active(int? id) => id is { } i && byId.TryGetValue(i, out var c) && !c.IsRetired ? c : null;
        bool HasActiveChildren(int id) => columns.Any(c => c.ParentId == id && !c.IsRetired);
        var name = input.Name?.Trim() ?? "";
        switch (input.Kind)
        {
            case ColumnChangeKind.Create:
                if (name.Length is 0 or > 100) Error("name", "Columns.NameRequired");
                if (input.ParentId is not null && Active(input.ParentId) is null) Error("parentId", "Columns.ParentInvalid");
                if (input.StaleAfterDays is < 1 or > 3650) Error("staleAfterDays", "Columns.StaleDaysInvalid");
                if (input.ResponsibleDepartmentId is { } department && !await db.Departments.AnyAsync(d => d.Id == department && d.IsActive, cancellationToken))
                {
                    Error("responsibleDepartmentId", "ColumnChanges.DepartmentInvalid");
                }

                break;
            case ColumnChangeKind.Rename:
                if (Active(input.ColumnId) is null) Error("columnId", "Columns.NotFound");
                if (name.Length is 0 or > 100) Error("name", "Columns.NameRequired");
                break;
            case ColumnChangeKind.Retire:
                if (Active(input.ColumnId) is null) Error("columnId", "Columns.NotFound");
                else if (HasActiveChildren(input.ColumnId!.Value)) Error("columnId", "Columns.HasActiveChildren");
                break;
            case ColumnChangeKind.Merge:
                if (Active(input.ColumnId) is null) Error("columnId", "Columns.NotFound");
                else if (HasActiveChildren(input.ColumnId!.Value)) Error("columnId", "Columns.HasActiveChildren");
                if (Active(input.TargetColumnId) is null || input.TargetColumnId == input.ColumnId) Error("targetColumnId", "ColumnChanges.TargetInvalid");
                break;
            case ColumnChangeKind.Layout:
                var slots = input.Layout ?? [];
                var ids = slots.Select(s => s.ColumnId).ToHashSet();
                if (slots.Count == 0 || ids.Count != slots.Count || slots.Any(s => Active(s.ColumnId) is null || (s.ParentId is not null && (Active(s.ParentId) is null || s.ParentId == s.ColumnId))))
                {
                    Error("layout", "ColumnChanges.LayoutInvalid");
                }
                else if (HasCycle(slots, byId))
                {
                    Error("layout", "ColumnChanges.LayoutInvalid");
                }

                break;
        }

        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors, "Common.InvalidInput");
        }
    }

    /// <summary>True when following parents in the new layout (falling back to today's parents) loops.</summary>
    private static bool HasCycle(IReadOnlyList<LayoutSlot> slots, IReadOnlyDictionary<int, Column> columns)
    {
        var parent = columns.Values.ToDictionary(c => c.Id, c => c.ParentId);
        foreach (var slot in slots)
        {
            parent[slot.ColumnId] = slot.ParentId;
        }

        foreach (var start in parent.Keys)
        {
            var seen = new HashSet<int>();
            for (int? at = start; at is { } id; at = parent.GetValueOrDefault(id))
            {
                if (!seen.Add(id)) return true;
            }
        }

        return false;
    }

    private static async Task<string> DescribeAsync(PortalDbContext db, ColumnChangeRequest c, CancellationToken cancellationToken)
    {
        var names = await db.Columns.AsNoTracking().Where(x => x.Id == c.ColumnId || x.Id == c.TargetColumnId).ToDictionaryAsync(x => x.Id, x => x.Name, cancellationToken);
        string N(int? id) => id is { } i && names.TryGetValue(i, out var n) ? $"{n}#{i}" : "-";
        return c.Kind switch
        {
            ColumnChangeKind.Create => $"{c.Kind} {c.Site} \"{c.Name}\" parent {c.ParentId}",
            ColumnChangeKind.Rename => $"{c.Kind} {N(c.ColumnId)} → \"{c.Name}\"",
            ColumnChangeKind.Merge => $"{c.Kind} {N(c.ColumnId)} → {N(c.TargetColumnId)}",
            ColumnChangeKind.Layout => $"{c.Kind} {c.Site}: " + string.Join(", ", c.Layout.Select(s => $"{s.ColumnId}@{s.ParentId}/{s.SortOrder}")),
            _ => $"{c.Kind} {N(c.ColumnId)}",
        } + $"; {c.Status}";
    }

    private static string Href(int id) => $"/office/columns/changes#change-{id}";
}

/// <summary>Column settings from configuration (section <c>Columns</c>).</summary>
public sealed class ColumnOptions
{
    /// <summary>Default "stale after" days for a new column (§1 第三条).</summary>
    public int StaleAfterDays { get; set; } = 30;
}
