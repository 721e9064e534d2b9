using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Infrastructure;

namespace InfoPortal.Features.Columns.Governance;

/// <summary>What a column change request asks for (rules.md §2 第六章第一条).</summary>
public enum ColumnChangeKind
{
    Create = 1,
    Rename = 2,
    Merge = 3,
    Retire = 4,
    Layout = 5,
}

public enum ColumnChangeStatus
{
    Proposed = 1,
    Approved = 2,
    Rejected = 3,
    Applied = 4,
}

/// <summary>One column's place in a proposed layout: parent and order.</summary>
public sealed record LayoutSlot(int ColumnId, int? ParentId, int SortOrder);

/// <summary>
/// 栏目变更申请: a new column, a rename, a merge, a retirement or a new layout (order and tree) of a
/// site. Proposed by the office with a reason, approved or rejected by a leader with an opinion,
/// and only then applied by the Publisher. The state machine lives here so no caller can skip the
/// leader: <see cref="Apply"/> refuses anything that is not approved.
/// </summary>
public sealed class ColumnChangeRequest
{
    public int Id { get; private set; }

    public ColumnChangeKind Kind { get; private set; }

    public ColumnChangeStatus Status { get; private set; } = ColumnChangeStatus.Proposed;

    public Site Site { get; private set; }

    /// <summary>The column renamed, retired or merged away (the source of a merge).</summary>
    public int? ColumnId { get; private set; }

    /// <summary>The column a merge moves the items into.</summary>
    public int? TargetColumnId { get; private set; }

    /// <summary>The new name (create, rename).</summary>
    public string? Name { get; private set; }

    /// <summary>The parent of a new column.</summary>
    public int? ParentId { get; private set; }

    public int? StaleAfterDays { get; private set; }

    public int? ResponsibleDepartmentId { get; private set; }

    /// <summary>The whole layout of the site for a layout change (every active column's parent and order).</summary>
    public string LayoutJson { get; private set; } = "[]";

    public IReadOnlyList<LayoutSlot> Layout => System.Text.Json.JsonSerializer.Deserialize<List<LayoutSlot>>(LayoutJson) ?? [];

    public string Reason { get; private set; } = "";

    public int ProposedById { get; private set; }

    public string ProposedByName { get; private set; } = "";

    public DateTimeOffset ProposedAt { get; private set; }

    public int? DecidedById { get; private set; }

    public string? DecidedByName { get; private set; }

    public string? DecidedByRole { get; private set; }

    public DateTimeOffset? DecidedAt { get; private set; }

    public string? Opinion { get; private set; }

    public int? AppliedById { get; private set; }

    public DateTimeOffset? AppliedAt { get; private set; }

    /// <summary>The column a create made (once applied).</summary>
    public int? ResultColumnId { get; private set; }

    /// <summary>Optimistic concurrency: two leaders deciding at once, exactly one wins.</summary>
    public int Version { get; private set; } = 1;

    private ColumnChangeRequest()
    {
    }

    public static ColumnChangeRequest Propose(Actor actor, ColumnChangeInput input, DateTimeOffset now)
    {
        if (!CanPropose(actor))
        {
            throw new ForbiddenException("ColumnChanges.ProposeForbidden");
        }

        return new ColumnChangeRequest
        {
            Kind = input.Kind,
            Site = input.Site,
            ColumnId = input.ColumnId,
            TargetColumnId = input.TargetColumnId,
            Name = string.IsNullOrWhiteSpace(input.Name) ? null : input.Name.Trim(),
            ParentId = input.ParentId,
            StaleAfterDays = input.StaleAfterDays,
            ResponsibleDepartmentId = input.ResponsibleDepartmentId,
            LayoutJson = System.Text.Json.JsonSerializer.Serialize(input.Kind == ColumnChangeKind.Layout ? input.Layout ?? [] : []),
            Reason = input.Reason!.Trim(),
            ProposedById = actor.UserId!.Value,
            ProposedByName = actor.DisplayName,
            ProposedAt = now,
        };
    }

    /// <summary>The office proposes: its director, or the Publisher who plans the columns (§2 第二章第一条).</summary>
    public static bool CanPropose(Actor actor) => actor.IsAuthenticated && actor.Has(Permissions.Columns.ProposeChange);

    /// <summary>Leadership approves (§2 第六章第一条): a deputy or the principal leader.</summary>
    public static bool CanDecide(Actor actor) => actor.IsAuthenticated && actor.Has(Permissions.Columns.DecideChange);

    public static bool CanApply(Actor actor) => actor.IsAuthenticated && actor.Has(Permissions.Columns.ApplyChange);

    public void Approve(Actor actor, string? opinion, DateTimeOffset now) => Decide(actor, ColumnChangeStatus.Approved, opinion, now);

    public void Reject(Actor actor, string? opinion, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(opinion))
        {
            throw ValidationFailedException.For("opinion", "ColumnChanges.OpinionRequired");
        }

        Decide(actor, ColumnChangeStatus.Rejected, opinion, now);
    }

    private void Decide(Actor actor, ColumnChangeStatus outcome, string? opinion, DateTimeOffset now)
    {
        if (!CanDecide(actor))
        {
            throw new ForbiddenException("ColumnChanges.DecideForbidden");
        }

        if (actor.UserId == ProposedById)
        {
            throw new ForbiddenException("ColumnChanges.OwnProposal");
        }

        if (Status != ColumnChangeStatus.Proposed)
        {
            throw new ColumnChangeStateException("ColumnChanges.AlreadyDecided", "change_already_decided");
        }

        Status = outcome;
        DecidedById = actor.UserId;
        DecidedByName = actor.DisplayName;
        DecidedByRole = actor.IsInRole(Roles.PrincipalLeader) ? Roles.PrincipalLeader : Roles.Leader;
        DecidedAt = now;
        Opinion = string.IsNullOrWhiteSpace(opinion) ? null : opinion.Trim();
        Version++;
    }

    /// <summary>Marks the change applied; refuses anything a leader has not approved.</summary>
    public void Apply(Actor actor, int? resultColumnId, DateTimeOffset now)
    {
        if (!CanApply(actor))
        {
            throw new ForbiddenException("ColumnChanges.ApplyForbidden");
        }

        EnsureApplicable();
        Status = ColumnChangeStatus.Applied;
        AppliedById = actor.UserId;
        AppliedAt = now;
        ResultColumnId = resultColumnId;
        Version++;
    }

    public void EnsureApplicable()
    {
        switch (Status)
        {
            case ColumnChangeStatus.Proposed:
                throw new ColumnChangeStateException("ColumnChanges.NotApproved", "change_not_approved");
            case ColumnChangeStatus.Rejected:
                throw new ColumnChangeStateException("ColumnChanges.Rejected", "change_rejected");
            case ColumnChangeStatus.Applied:
                throw new ColumnChangeStateException("ColumnChanges.AlreadyApplied", "change_already_applied");
        }
    }
}

/// <summary>A column change that its state does not allow (→ 409 with its own code).</summary>
public sealed class ColumnChangeStateException(string message, string code) : ConflictException(message)
{
    public override string Code { get; } = code;
}

public sealed record ColumnChangeInput(
    ColumnChangeKind Kind, Site Site, string? Reason, int? ColumnId = null, int? TargetColumnId = null, string? Name = null,
    int? ParentId = null, int? StaleAfterDays = null, int? ResponsibleDepartmentId = null, IReadOnlyList<LayoutSlot>? Layout = null);
