using System.Text.Json;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Columns;
using InfoPortal.Infrastructure;

namespace InfoPortal.Features.Requests;

/// <summary>The review transitions of the request: the planned steps, submitting, signing and returning, the steps added on the way.</summary>
public sealed partial class PublicationRequest
{
    /// <summary>
    /// The steps this request must pass: its chain's plan for the importance and sites, plus what the
    /// form itself asks for — the 保密工作领导小组's review of an item spanning departments (保密制度
    /// 九(二)), placed before the first leader, and a leader for a declared internal matter (保密制度 五)
    /// where the chain has none.
    /// </summary>
    public IReadOnlyList<PlannedStep> PlanFor(ReviewChain chain, IReadOnlyCollection<Site> targetSites)
    {
        var steps = chain.Plan(Importance, targetSites, Kind, InvolvedDepartments.Count > 0).ToList();
        if (InvolvedDepartments.Count > 0 && !steps.Any(s => s.Role == Roles.SecrecyOfficer))
        {
            var leaderAt = steps.FindIndex(s => s.Role is Roles.Leader or Roles.PrincipalLeader);
            steps.Insert(leaderAt < 0 ? steps.Count : leaderAt, ReviewChain.CrossDepartmentSecrecyStep);
        }

        if (InternalMatter && !steps.Any(s => s.Role is Roles.Leader or Roles.PrincipalLeader))
        {
            steps.Add(ReviewChain.InternalMatterLeaderStep);
        }

        return steps;
    }

    /// <summary>Draft → InReview at the first planned step.</summary>
    public void Submit(Actor actor, ReviewChain chain, IReadOnlyCollection<Site> targetSites, DateTimeOffset now)
    {
        EnsureOwner(actor);
        EnsureStatus("submit", RequestStatus.Draft);
        EnsureComplete();
        ChainId = chain.Id;
        Round = 1;
        StartReview(PlanFor(chain, targetSites), now);
        SubmittedAt = now;
    }

    /// <summary>Returned → InReview, starting again at the first step (a new round).</summary>
    public void Resubmit(Actor actor, ReviewChain chain, IReadOnlyCollection<Site> targetSites, DateTimeOffset now)
    {
        EnsureOwner(actor);
        EnsureStatus("resubmit", RequestStatus.Returned);
        EnsureComplete();
        Round++;
        StartReview(PlanFor(chain, targetSites), now);
        SubmittedAt = now;
    }

    private void StartReview(IReadOnlyList<PlannedStep> steps, DateTimeOffset now)
    {
        if (steps.Count == 0)
        {
            throw new ConflictException("Requests.Error.NoSteps");
        }

        PlannedStepsJson = JsonSerializer.Serialize(steps, ReviewChain.JsonOptions);
        Status = RequestStatus.InReview;
        MoveToStep(0, now);
        Touch(now);
    }

    private void MoveToStep(int index, DateTimeOffset now)
    {
        var step = PlannedSteps[index];
        CurrentStepIndex = index;
        CurrentStepSince = now;
        CurrentRole = step.Role;
        CurrentScope = step.Scope;
    }

    private void LeaveReview()
    {
        CurrentStepSince = null;
        CurrentRole = null;
        CurrentScope = null;
    }

    /// <summary>Adds a step after the current one (e.g. a secrecy review) for this request only.</summary>
    public void InsertStepAfterCurrent(PlannedStep step, DateTimeOffset now)
    {
        EnsureStatus("add a step to", RequestStatus.InReview);
        var steps = PlannedSteps.ToList();
        if (steps.Skip(CurrentStepIndex + 1).Any(s => s.Key == step.Key))
        {
            return;
        }

        steps.Insert(CurrentStepIndex + 1, step);
        PlannedStepsJson = JsonSerializer.Serialize(steps, ReviewChain.JsonOptions);
        Touch(now);
    }

    /// <summary>
    /// A reviewer of the current step marks the item an internal matter (保密制度 五) as they sign:
    /// a leader must then sign too. Returns whether that added a step.
    /// </summary>
    public bool MarkInternalMatter(Actor reviewer, DateTimeOffset now)
    {
        EnsureReviewer(reviewer);
        var before = PlannedStepsJson;
        EnsureLeaderApproval(ReviewChain.InternalMatterLeaderStep, now);
        return before != PlannedStepsJson;
    }

    /// <summary>
    /// Makes sure a leader (分管领导 or 主要领导) signs before the request is approved: when no step
    /// still to come belongs to a leader, <paramref name="step"/> is appended as the last one.
    /// </summary>
    public void EnsureLeaderApproval(PlannedStep step, DateTimeOffset now)
    {
        EnsureStatus("add a step to", RequestStatus.InReview);
        var steps = PlannedSteps.ToList();
        if (steps.Skip(CurrentStepIndex).Any(s => s.Role is Roles.Leader or Roles.PrincipalLeader))
        {
            return;
        }

        steps.Add(step);
        PlannedStepsJson = JsonSerializer.Serialize(steps, ReviewChain.JsonOptions);
        Touch(now);
    }

    /// <summary>Signs the current step; the last approval makes the request Approved.</summary>
    public Decision Approve(Actor reviewer, string? opinion, DateTimeOffset now, bool acknowledgedWarnings = false, ProvincialEvidence? evidence = null, DateOnly? today = null)
    {
        var step = EnsureReviewer(reviewer);
        if (step.Key == ReviewChain.ProvincialApprovalStep)
        {
            // The higher authority's approval is evidence, not a click (issue 10 item 10): all of it or nothing.
            var errors = ProvincialEvidence.Errors(evidence, opinion, today ?? DateOnly.FromDateTime(now.UtcDateTime.AddDays(1)));
            if (errors.Count > 0)
            {
                throw new ValidationFailedException(errors, "Review.Provincial.EvidenceRequired");
            }
        }

        var decision = Record(reviewer, step, DecisionOutcome.Approve, opinion, now, acknowledgedWarnings);
        if (step.Key == ReviewChain.ProvincialApprovalStep)
        {
            decision.ApprovingAuthority = evidence!.Authority!.Trim();
            decision.ApprovalNumber = evidence.Number!.Trim();
            decision.ApprovalDate = evidence.Date;
            decision.ApprovalScanSha256 = evidence.ScanSha256;
            decision.ApprovalScanName = evidence.ScanName;
        }

        if (CurrentStepIndex + 1 < PlannedSteps.Count)
        {
            MoveToStep(CurrentStepIndex + 1, now);
        }
        else
        {
            Status = RequestStatus.Approved;
            ApprovedAt = now;
            LeaveReview();
        }

        Touch(now);
        return decision;
    }

    /// <summary>Returns the request to its officer with a written opinion.</summary>
    public Decision Return(Actor reviewer, string opinion, DateTimeOffset now)
    {
        var step = EnsureReviewer(reviewer);
        if (string.IsNullOrWhiteSpace(opinion))
        {
            throw ValidationFailedException.For("opinion", "Requests.Error.OpinionRequired");
        }

        var decision = Record(reviewer, step, DecisionOutcome.Return, opinion, now, false);
        Status = RequestStatus.Returned;
        LeaveReview();
        Touch(now);
        return decision;
    }

    private Decision Record(Actor reviewer, PlannedStep step, DecisionOutcome outcome, string? opinion, DateTimeOffset now, bool acknowledgedWarnings)
    {
        var decision = new Decision
        {
            Round = Round,
            StepIndex = CurrentStepIndex,
            StepKey = step.Key,
            Role = step.Role,
            ReviewerId = reviewer.UserId!.Value,
            ReviewerName = reviewer.DisplayName,
            ReviewerDepartmentId = reviewer.DepartmentId,
            Outcome = outcome,
            Opinion = opinion?.Trim() ?? "",
            DecidedAt = now,
            StepStartedAt = CurrentStepSince,
            ContentVersion = ContentVersion,
            ContentSha256 = ContentSha256,
            AcknowledgedWarnings = acknowledgedWarnings,
        };
        _decisions.Add(decision);
        return decision;
    }

    /// <summary>Whether <paramref name="actor"/> is the one the current step waits for.</summary>
    public bool IsReviewerOfCurrentStep(Actor actor) =>
        CurrentStep is { } step && actor.UserId is not null && actor.IsInRole(step.Role) &&
        (step.Scope == StepScope.Global || actor.DepartmentId == DepartmentId) &&
        actor.UserId != OfficerId &&
        CurrentRoundDecisions.All(d => d.ReviewerId != actor.UserId);

    private PlannedStep EnsureReviewer(Actor reviewer)
    {
        EnsureStatus("decide on", RequestStatus.InReview);
        if (CurrentRoundDecisions.Any(d => d.StepIndex == CurrentStepIndex))
        {
            // One decision per step and round: whoever comes second is told someone decided first.
            throw new ConflictException("Review.DecidedFirst");
        }

        var step = CurrentStep!;
        if (!MaySign(reviewer, step) && CurrentRoundDecisions.Any(d => d.StepIndex < PlannedSteps.Count && MaySign(reviewer, PlannedSteps[d.StepIndex])))
        {
            // A reviewer of a step that was just decided (two tabs, a retry, many parallel calls)
            // lost a race: the step moved on under them. That is a conflict (409), not a refusal
            // (403) — only someone who could sign no step of this round is refused.
            throw new ConflictException("Review.DecidedFirst");
        }

        if (!reviewer.IsInRole(step.Role))
        {
            throw new ForbiddenException("Requests.Error.WrongRole", "Role." + step.Role);
        }

        if (step.Scope == StepScope.OwnDepartment && reviewer.DepartmentId != DepartmentId)
        {
            throw new ForbiddenException("Requests.Error.OtherDepartment");
        }

        if (reviewer.UserId == OfficerId)
        {
            throw new ForbiddenException("Requests.Error.OwnRequest");
        }

        if (CurrentRoundDecisions.Any(d => d.ReviewerId == reviewer.UserId))
        {
            throw new ForbiddenException("Requests.Error.AlreadySigned");
        }

        return step;
    }

    private bool MaySign(Actor reviewer, PlannedStep step) =>
        reviewer.IsInRole(step.Role) && (step.Scope == StepScope.Global || reviewer.DepartmentId == DepartmentId) && reviewer.UserId != OfficerId;
}
