using System.Text.Json;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InfoPortal.Features.Requests;

public enum ChainChangeStatus
{
    Proposed = 1,
    Approved = 2,
    Rejected = 3,
}

/// <summary>
/// 审核流程变更申请 (ADR 0047): a new list of steps for one chain definition, proposed by the office
/// with a reason and taking effect only when a leader approves it — the pattern of column
/// governance (办法 第六章). Approval makes a new <see cref="ReviewChain"/> version in the same
/// transaction; requests already submitted keep the version they were planned under.
/// </summary>
public sealed class ChainChange
{
    /// <summary>The roles a chain step may name: the reviewers. Nobody else signs a 申请表.</summary>
    public static readonly IReadOnlyList<string> StepRoles = [Roles.DeptHead, Roles.OfficeDirector, Roles.Leader, Roles.PrincipalLeader, Roles.SecrecyOfficer];

    private ChainChange()
    {
    }

    public int Id { get; private set; }

    public string Code { get; private set; } = "";

    /// <summary>The version the proposal starts from; a proposal against an older version is refused at approval.</summary>
    public int BaseVersion { get; private set; }

    public string StepsJson { get; private set; } = "[]";

    public IReadOnlyList<ChainStep> Steps => JsonSerializer.Deserialize<List<ChainStep>>(StepsJson, ReviewChain.JsonOptions) ?? [];

    public ChainChangeStatus Status { get; private set; } = ChainChangeStatus.Proposed;

    public string Reason { get; private set; } = "";

    public int ProposedById { get; private set; }

    public string ProposedByName { get; private set; } = "";

    public DateTimeOffset ProposedAt { get; private set; }

    public int? DecidedById { get; private set; }

    public string? DecidedByName { get; private set; }

    public DateTimeOffset? DecidedAt { get; private set; }

    public string? Opinion { get; private set; }

    /// <summary>Optimistic concurrency: two leaders deciding at once, exactly one wins.</summary>
    public int Version { get; private set; } = 1;

    /// <summary>The office proposes (its director); leaders decide (办法 第六章, as for columns).</summary>
    public static bool CanPropose(Actor actor) => actor.IsAuthenticated && actor.Has(Permissions.Chains.Propose);

    public static bool CanDecide(Actor actor) => actor.IsAuthenticated && actor.Has(Permissions.Chains.Decide);


    public static bool CanSee(Actor actor) => actor.IsAuthenticated && actor.Has(Permissions.Chains.View);

    public static ChainChange Propose(Actor actor, ReviewChain current, IReadOnlyList<ChainStep> steps, string? reason, DateTimeOffset now)
    {
        if (!CanPropose(actor))
        {
            throw new ForbiddenException("Chains.ProposeForbidden");
        }

        var errors = Errors(current.Code, steps);
        if (string.IsNullOrWhiteSpace(reason))
        {
            errors["reason"] = ["Chains.ReasonRequired"];
        }

        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors, "Chains.Invalid");
        }

        var json = ReviewChain.Serialize(steps);
        if (json == current.StepsJson)
        {
            throw ValidationFailedException.For("steps", "Chains.Unchanged");
        }

        return new ChainChange
        {
            Code = current.Code,
            BaseVersion = current.Version,
            StepsJson = json,
            Reason = reason!.Trim(),
            ProposedById = actor.UserId!.Value,
            ProposedByName = actor.DisplayName,
            ProposedAt = now,
        };
    }

    /// <summary>
    /// What is wrong with a list of steps, by field: at least one step; keys present, short and
    /// unique; only reviewer roles; 部门负责人 only in the request's own department, every other
    /// role global; the provincial-approval step stays the office director's (it carries evidence,
    /// ADR 0039); and every item that can reach the internet still ends with a leader (ADR 0045).
    /// </summary>
    public static Dictionary<string, string[]> Errors(string code, IReadOnlyList<ChainStep> steps)
    {
        var errors = new Dictionary<string, string[]>();
        if (steps.Count == 0)
        {
            errors["steps"] = ["Chains.NoSteps"];
            return errors;
        }

        if (steps.Count > 12)
        {
            errors["steps"] = ["Chains.TooManySteps"];
            return errors;
        }

        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var field = $"steps[{i}]";
            if (string.IsNullOrWhiteSpace(step.Key) || step.Key.Length > 40 || !step.Key.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                errors[field + ".key"] = ["Chains.KeyInvalid"];
            }
            else if (steps.Take(i).Any(s => s.Key == step.Key))
            {
                errors[field + ".key"] = ["Chains.KeyDuplicate"];
            }

            if (!StepRoles.Contains(step.Role))
            {
                errors[field + ".role"] = ["Chains.RoleInvalid"];
            }
            else if ((step.Role == Roles.DeptHead) != (step.Scope == StepScope.OwnDepartment))
            {
                errors[field + ".scope"] = ["Chains.ScopeInvalid"];
            }

            if (step.Key == ReviewChain.ProvincialApprovalStep && step.Role != Roles.OfficeDirector)
            {
                errors[field + ".role"] = ["Chains.ProvincialStepRole"];
            }

            if (!Enum.IsDefined(step.MinImportance) || step.OnlyForSite is { } only && !Enum.IsDefined(only) || step.AlsoForSite is { } also && !Enum.IsDefined(also)
                || step.OnlyForKind is { } kind && !Enum.IsDefined(kind))
            {
                errors[field] = ["Chains.ConditionInvalid"];
            }
        }

        // 互联网发布信息保密管理制度 一、二: a Normal item for the internet, of any kind, ends with a leader.
        var internet = new[] { Columns.Site.External };
        if (errors.Count == 0 && Enum.GetValues<ContentKind>().Any(kind =>
                !steps.Where(s => s.AppliesTo(Importance.Normal, internet, kind)).Any(s => s.Role is Roles.Leader or Roles.PrincipalLeader)))
        {
            errors["steps"] = ["Chains.InternetNeedsLeader"];
        }

        return errors;
    }

    public void Approve(Actor actor, string? opinion, DateTimeOffset now) => Decide(actor, ChainChangeStatus.Approved, opinion, now);

    public void Reject(Actor actor, string? opinion, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(opinion))
        {
            throw ValidationFailedException.For("opinion", "Chains.OpinionRequired");
        }

        Decide(actor, ChainChangeStatus.Rejected, opinion, now);
    }

    private void Decide(Actor actor, ChainChangeStatus outcome, string? opinion, DateTimeOffset now)
    {
        if (!CanDecide(actor))
        {
            throw new ForbiddenException("Chains.DecideForbidden");
        }

        if (actor.UserId == ProposedById)
        {
            throw new ForbiddenException("Chains.OwnProposal");
        }

        if (Status != ChainChangeStatus.Proposed)
        {
            throw new ConflictException("Chains.AlreadyDecided");
        }

        Status = outcome;
        DecidedById = actor.UserId;
        DecidedByName = actor.DisplayName;
        DecidedAt = now;
        Opinion = string.IsNullOrWhiteSpace(opinion) ? null : opinion.Trim();
        Version++;
    }
}

internal sealed class ChainChangeConfiguration : IEntityTypeConfiguration<ChainChange>
{
    public void Configure(EntityTypeBuilder<ChainChange> builder)
    {
        builder.Ignore(c => c.Steps);
        builder.Property(c => c.Code).HasMaxLength(32);
        builder.Property(c => c.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.Reason).HasMaxLength(2000);
        builder.Property(c => c.Opinion).HasMaxLength(2000);
        builder.Property(c => c.ProposedByName).HasMaxLength(100);
        builder.Property(c => c.DecidedByName).HasMaxLength(100);
        builder.Property(c => c.Version).IsConcurrencyToken();
        builder.HasIndex(c => new { c.Status, c.Id });
    }
}
