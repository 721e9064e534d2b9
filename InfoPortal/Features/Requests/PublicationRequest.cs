using System.Text.Json;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Columns;
using InfoPortal.Infrastructure;

namespace InfoPortal.Features.Requests;

/// <summary>
/// 网上发布信息申请表: one item and its form through its whole life. State changes only through
/// the transition methods below; each checks the current state and the actor's role and throws
/// <see cref="ConflictException"/> (wrong state) or <see cref="ForbiddenException"/> (wrong person).
/// </summary>
public sealed partial class PublicationRequest : Screening.IScreenedItem
{
    private PublicationRequest()
    {
    }

    public int Id { get; private set; }

    public int DepartmentId { get; private set; }

    public int OfficerId { get; private set; }

    public RequestStatus Status { get; private set; }

    /// <summary>Optimistic-concurrency token: every change increments it; a stale one gets 409.</summary>
    public int Version { get; private set; }

    public string Title { get; private set; } = "";

    public string BodyHtml { get; private set; } = "";

    public string Source { get; private set; } = "";

    public ContentKind Kind { get; private set; }

    public Importance Importance { get; private set; }

    public DateOnly EventDate { get; private set; }

    public bool DeclarationAccepted { get; private set; }

    /// <summary>内部事项 (保密制度 五): the officer says the item is an internal matter, so a leader signs it.</summary>
    public bool InternalMatter { get; private set; }

    /// <summary>
    /// 涉及部门 (保密制度 九(二)): the other departments the item concerns, as "3,5" (never the
    /// request's own). Any at all adds the 保密工作领导小组's review before the leader.
    /// </summary>
    public string InvolvedDepartmentIds { get; private set; } = "";

    public IReadOnlyList<int> InvolvedDepartments =>
        [.. InvolvedDepartmentIds.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(v => int.Parse(v, System.Globalization.CultureInfo.InvariantCulture))];

    public int ContentVersion { get; private set; }

    public string ContentSha256 { get; private set; } = "";

    /// <summary>The chain definition (code + version) the request was submitted under.</summary>
    public int? ChainId { get; private set; }

    /// <summary>Review round: 1 at the first submission, +1 at each resubmission.</summary>
    public int Round { get; private set; }

    public string PlannedStepsJson { get; private set; } = "[]";

    public int CurrentStepIndex { get; private set; }

    public DateTimeOffset? CurrentStepSince { get; private set; }

    /// <summary>The current step's role, kept in a column so the review queue is one indexed query.</summary>
    public string? CurrentRole { get; private set; }

    /// <summary>The current step's scope, likewise.</summary>
    public StepScope? CurrentScope { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public DateTimeOffset? SubmittedAt { get; private set; }

    public DateTimeOffset? ApprovedAt { get; private set; }

    public DateTimeOffset? ScheduledFor { get; private set; }

    public DateTimeOffset? PublishedAt { get; private set; }

    public DateTimeOffset? TakenDownAt { get; private set; }

    /// <summary>采用: a higher authority used (reprinted) the item; set by the Publisher or a leader, counted by the annual assessment.</summary>
    public bool UsedByHigherAuthorities { get; private set; }

    // The children change only through this aggregate's methods (issue 16): outside code reads them.
    // EF Core fills and tracks the fields (its convention finds _columns for Columns, and so on).
    private readonly List<RequestColumn> _columns = [];
    private readonly List<ContentVersionRecord> _versions = [];
    private readonly List<Decision> _decisions = [];
    private readonly List<Attachment> _attachments = [];
    private readonly List<Publication> _publications = [];

    public IReadOnlyList<RequestColumn> Columns => _columns;

    public IReadOnlyList<ContentVersionRecord> Versions => _versions;

    public IReadOnlyList<Decision> Decisions => _decisions;

    public IReadOnlyList<Attachment> Attachments => _attachments;

    public IReadOnlyList<Publication> Publications => _publications;

    public IReadOnlyList<PlannedStep> PlannedSteps => JsonSerializer.Deserialize<List<PlannedStep>>(PlannedStepsJson, ReviewChain.JsonOptions) ?? [];

    public PlannedStep? CurrentStep => Status == RequestStatus.InReview && CurrentStepIndex < PlannedSteps.Count ? PlannedSteps[CurrentStepIndex] : null;

    public IEnumerable<Decision> CurrentRoundDecisions => Decisions.Where(d => d.Round == Round);

    public static PublicationRequest Create(Actor officer, RequestContent content, IReadOnlyList<Attachment> noAttachments, DateTimeOffset now)
    {
        if (!officer.Has(Permissions.Requests.Draft) || officer.UserId is null || officer.DepartmentId is null)
        {
            throw new ForbiddenException("Requests.Error.OfficerOnly");
        }

        var request = new PublicationRequest
        {
            DepartmentId = officer.DepartmentId.Value,
            OfficerId = officer.UserId.Value,
            Status = RequestStatus.Draft,
            CreatedAt = now,
            Version = 0,
        };
        request.ApplyContent(officer, content, noAttachments, now);
        return request;
    }

    /// <summary>Saves new content (a new version). Only the drafting officer, only in Draft or Returned.</summary>
    public void Edit(Actor actor, RequestContent content, DateTimeOffset now)
    {
        EnsureOwner(actor);
        EnsureStatus("edit", RequestStatus.Draft, RequestStatus.Returned);
        ApplyContent(actor, content, Attachments, now);
    }

    /// <summary>Records that the attachment list changed (upload or removal): a new content version.</summary>
    /// <summary>A stored file joins the draft (the officer's, while Draft or Returned); its version is recorded by <see cref="AttachmentsChanged"/> once it has an id.</summary>
    public void AddAttachment(Actor actor, Attachment attachment)
    {
        EnsureOwner(actor);
        EnsureStatus("attach", RequestStatus.Draft, RequestStatus.Returned);
        _attachments.Add(attachment);
    }

    /// <summary>Marks a file of the draft removed (it stays stored for the versions that name it) and records the new version.</summary>
    public Attachment RemoveAttachment(Actor actor, int attachmentId, DateTimeOffset now)
    {
        EnsureOwner(actor);
        EnsureStatus("attach", RequestStatus.Draft, RequestStatus.Returned);
        var attachment = _attachments.SingleOrDefault(a => a.Id == attachmentId && !a.IsRemoved) ?? throw new NotFoundException("Uploads.NotFound");
        attachment.IsRemoved = true;
        AttachmentsChanged(actor, now);
        return attachment;
    }

    public void AttachmentsChanged(Actor actor, DateTimeOffset now)
    {
        EnsureOwner(actor);
        EnsureStatus("attach", RequestStatus.Draft, RequestStatus.Returned);
        ApplyContent(actor, CurrentContent, Attachments, now);
    }

    public RequestContent CurrentContent => new(Title, BodyHtml, Source, Kind, Importance, EventDate, [.. Columns.Select(c => c.ColumnId).Order()], DeclarationAccepted,
        InvolvedDepartments, InternalMatter);

    private void ApplyContent(Actor actor, RequestContent content, IEnumerable<Attachment> attachments, DateTimeOffset now)
    {
        Title = content.Title;
        BodyHtml = content.BodyHtml;
        Source = content.Source;
        Kind = content.Kind;
        Importance = content.Importance;
        EventDate = content.EventDate;
        DeclarationAccepted = content.DeclarationAccepted;
        InternalMatter = content.InternalMatter;
        InvolvedDepartmentIds = string.Join(',', InvolvedOthers(content));
        var wanted = content.ColumnIds.Distinct().ToHashSet();
        _columns.RemoveAll(c => !wanted.Contains(c.ColumnId));
        foreach (var id in wanted.Where(id => Columns.All(c => c.ColumnId != id)))
        {
            _columns.Add(new RequestColumn { ColumnId = id });
        }

        var snapshot = ContentSnapshot.From(content with { InvolvedDepartmentIds = InvolvedOthers(content) }, attachments.Where(a => !a.IsRemoved));
        if (ContentVersion > 0 && snapshot.Sha256() == ContentSha256)
        {
            // Saving what is already saved (检查, a save before an upload, autosave) is not a new
            // version: reviewers would otherwise diff two identical versions.
            return;
        }

        ContentVersion++;
        ContentSha256 = snapshot.Sha256();
        _versions.Add(new ContentVersionRecord
        {
            Number = ContentVersion,
            SnapshotJson = snapshot.ToJson(),
            Sha256 = ContentSha256,
            CreatedAt = now,
            CreatedById = actor.UserId,
        });
        Touch(now);
    }

    private IReadOnlyList<int> InvolvedOthers(RequestContent content) =>
        [.. (content.InvolvedDepartmentIds ?? []).Where(d => d != DepartmentId).Distinct().Order()];

    /// <summary>Draft or InReview (before anybody decided) → Withdrawn.</summary>
    public void Withdraw(Actor actor, DateTimeOffset now)
    {
        EnsureOwner(actor);
        EnsureStatus("withdraw", RequestStatus.Draft, RequestStatus.InReview);
        if (Status == RequestStatus.InReview && CurrentRoundDecisions.Any())
        {
            throw new ConflictException("Requests.Error.WithdrawAfterDecision");
        }

        Status = RequestStatus.Withdrawn;
        LeaveReview();
        Touch(now);
    }

    /// <summary>Marks or unmarks the item as used by higher authorities (Publisher and leaders only).</summary>
    public void MarkUsedByHigherAuthorities(Actor actor, bool used, DateTimeOffset now)
    {
        if (!actor.Has(Permissions.Statistics.MarkUsed))
        {
            throw new ForbiddenException("Statistics.Error.UsedFlagRole");
        }

        EnsureStatus("mark", RequestStatus.Published, RequestStatus.TakenDown);
        UsedByHigherAuthorities = used;
        Touch(now);
    }

    private void EnsureOwner(Actor actor)
    {
        if (actor.UserId != OfficerId)
        {
            throw new ForbiddenException("Requests.Error.NotOwner");
        }
    }

    private void EnsureStatus(string action, params RequestStatus[] allowed)
    {
        if (!allowed.Contains(Status))
        {
            throw new InvalidTransitionException(action, Status);
        }
    }

    private void EnsureComplete()
    {
        var errors = Incomplete(CurrentContent, Attachments);
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors, "Requests.Error.Incomplete");
        }
    }

    /// <summary>
    /// Everything missing before a submission, all at once (resource keys by field): the form shows
    /// them together instead of one per attempt.
    /// </summary>
    public static Dictionary<string, string[]> Incomplete(RequestContent content, IEnumerable<Attachment> attachments)
    {
        var present = attachments.Where(a => !a.IsRemoved).ToList();
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(content.Title)) errors["title"] = ["Requests.Validation.TitleRequired"];
        if (content.ColumnIds.Count == 0) errors["columnIds"] = ["Requests.Validation.ColumnsRequired"];
        if (string.IsNullOrWhiteSpace(content.Source)) errors["source"] = ["Requests.Validation.SourceRequired"];
        if (!content.DeclarationAccepted) errors["declarationAccepted"] = ["Requests.Validation.DeclarationRequired"];
        if (present.Any(a => a.IsImage && string.IsNullOrWhiteSpace(a.Caption))) errors["attachments"] = ["Requests.Validation.CaptionRequired"];

        // A text item says something: an empty body with nothing attached is not an item.
        if (content.Kind == ContentKind.Text && present.Count == 0 && string.IsNullOrWhiteSpace(Infrastructure.Html.HtmlCleaner.ToText(content.BodyHtml)))
        {
            errors["bodyHtml"] = ["Requests.Validation.BodyRequired"];
        }

        return errors;
    }

    private void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        Version++;
    }
}

/// <summary>A transition that the request's current state does not allow (→ 409).</summary>
public sealed class InvalidTransitionException(string action, RequestStatus status)
    : ConflictException("Requests.Error.InvalidTransition", "Requests.Action." + action, "Requests.Status." + status)
{
    public string Action { get; } = action;

    public RequestStatus Status { get; } = status;
}

/// <summary>What the officer fills in; the form's fields (涉及部门 and 内部事项 since ADR 0046).</summary>
public sealed record RequestContent(
    string Title, string BodyHtml, string Source, ContentKind Kind, Importance Importance, DateOnly EventDate,
    IReadOnlyList<int> ColumnIds, bool DeclarationAccepted, IReadOnlyList<int>? InvolvedDepartmentIds = null, bool InternalMatter = false) : Screening.IScreenedContent;
