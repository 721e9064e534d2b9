using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Requests;
using InfoPortal.Infrastructure;

namespace InfoPortal.Features.Interaction;

/// <summary>建议 / 投诉 / 咨询.</summary>
public enum MessageKind
{
    Suggestion = 1,
    Complaint = 2,
    Inquiry = 3,
}

/// <summary>Where a message stands: with the Publisher, with a department, its reply with the head, answered.</summary>
public enum MessageStatus
{
    Received = 1,
    Assigned = 2,
    ReplyInReview = 3,
    Answered = 4,
}

/// <summary>
/// A message left on the public site (互动栏目, rules.md §1 第十一条) and its reply. The reply is
/// reviewed by a one-step chain (<see cref="ReplyStep"/>) with the same rules as a request's
/// decisions: the department head of the responsible department signs, never the drafter, and a
/// return needs an opinion (ADR 0016). One method per transition; each throws on a wrong state.
/// </summary>
public sealed class InteractionMessage : PublicSite.IShownOnPublicPages
{
    string PublicSite.IShownOnPublicPages.PublicCacheTag => PublicSite.PublicSiteCache.InteractionTag;

    /// <summary>The reply's review chain: one step, the head of the responsible department.</summary>
    public static readonly ChainStep ReplyStep = new("reply-dept-head", Roles.DeptHead, StepScope.OwnDepartment);

    public int Id { get; private set; }

    /// <summary>Readable ticket, e.g. 2026-000123 (year of receipt and the id).</summary>
    public string Ticket { get; private set; } = "";

    public MessageKind Kind { get; private set; }

    public string Subject { get; private set; } = "";

    public string Text { get; private set; } = "";

    /// <summary>Never shown on a public page.</summary>
    public string? SenderName { get; private set; }

    /// <summary>Phone or e-mail; never shown on a public page.</summary>
    public string? Contact { get; private set; }

    /// <summary>SHA-256 of the lookup code (hex); the code itself is shown once to the sender.</summary>
    public string CodeHash { get; private set; } = "";

    public DateTimeOffset ReceivedAt { get; private set; }

    /// <summary>The local day of receipt: the statistics' month and the deadline's start.</summary>
    public DateOnly ReceivedOn { get; private set; }

    /// <summary>The last day for the reply (working days, extensions included).</summary>
    public DateOnly DueOn { get; private set; }

    public MessageStatus Status { get; private set; } = MessageStatus.Received;

    public int? DepartmentId { get; private set; }

    /// <summary>Screening found secrecy markings: the handler is warned; the text is never shown publicly.</summary>
    public bool Flagged { get; private set; }

    /// <summary>Screening found personal data (masked on public pages).</summary>
    public bool HasPersonalData { get; private set; }

    /// <summary>The screening hits as JSON, for the handler.</summary>
    public string ScreeningJson { get; private set; } = "[]";

    /// <summary>Shown in the public list once answered, unless the Publisher (or screening) withheld it.</summary>
    public bool IsPublic { get; private set; } = true;

    public string? HiddenReason { get; private set; }

    public string? ReplyText { get; private set; }

    public int? ReplyDraftedById { get; private set; }

    public string? ReplyDraftedByName { get; private set; }

    public string? ReplyApprovedByName { get; private set; }

    public DateTimeOffset? AnsweredAt { get; private set; }

    public DateOnly? AnsweredOn { get; private set; }

    /// <summary>Minutes from receipt to the published reply (for the median in the statistics).</summary>
    public int? ReplyMinutes { get; private set; }

    /// <summary>Optimistic concurrency: bumped by every transition.</summary>
    public int Version { get; private set; } = 1;

    public List<MessageEvent> Events { get; private set; } = [];

    private InteractionMessage()
    {
    }

    public static InteractionMessage Receive(MessageKind kind, string subject, string text, string? name, string? contact, string codeHash,
        DateTimeOffset now, DateOnly today, DateOnly dueOn, bool flagged, bool hasPersonalData, string screeningJson, string? ipAddress)
    {
        var message = new InteractionMessage
        {
            Ticket = "pending-" + Guid.NewGuid().ToString("N"),
            Kind = kind,
            Subject = subject,
            Text = text,
            SenderName = name,
            Contact = contact,
            CodeHash = codeHash,
            ReceivedAt = now,
            ReceivedOn = today,
            DueOn = dueOn,
            Flagged = flagged,
            HasPersonalData = hasPersonalData,
            ScreeningJson = screeningJson,
        };
        if (flagged)
        {
            // Text with secrecy markings is accepted (the public may write anything) but never shown publicly.
            message.IsPublic = false;
            message.HiddenReason = "Interaction.HiddenByScreening";
        }

        message.Events.Add(new MessageEvent { At = now, ActorName = "", Action = MessageActions.Received, Detail = ipAddress });
        return message;
    }

    /// <summary>Called once the id is known.</summary>
    public void SetTicket() => Ticket = $"{ReceivedOn.Year:D4}-{Id:D6}";

    public bool IsOverdue(DateOnly today) => Status != MessageStatus.Answered && today > DueOn;

    /// <summary>First assignment, or a reassignment (needs a reason; a draft in review goes back to the new department's officers).</summary>
    public void Assign(Actor actor, int departmentId, string? reason, DateTimeOffset now)
    {
        if (Status == MessageStatus.Answered)
        {
            throw new ConflictException("Interaction.Error.AlreadyAnswered");
        }

        if (Status == MessageStatus.Received)
        {
            DepartmentId = departmentId;
            Status = MessageStatus.Assigned;
            Record(actor, MessageActions.Assigned, reason?.Trim() is { Length: > 0 } note ? note[..Math.Min(note.Length, 500)] : null, now, departmentId);
            return;
        }

        reason = RequireReason(reason);

        if (departmentId == DepartmentId)
        {
            throw new ConflictException("Interaction.Error.SameDepartment");
        }

        DepartmentId = departmentId;
        Status = MessageStatus.Assigned;
        ReplyText = null;
        ReplyDraftedById = null;
        ReplyDraftedByName = null;
        Record(actor, MessageActions.Reassigned, reason.Trim(), now, departmentId);
    }

    public void Extend(Actor actor, int workingDays, string? reason, WorkingCalendar calendar, DateTimeOffset now)
    {
        if (Status == MessageStatus.Answered)
        {
            throw new ConflictException("Interaction.Error.AlreadyAnswered");
        }

        reason = RequireReason(reason);

        if (workingDays is < 1 or > 30)
        {
            throw ValidationFailedException.For("workingDays", "Interaction.Error.ExtensionDays");
        }

        var before = DueOn;
        DueOn = calendar.AddWorkingDays(DueOn, workingDays);
        Record(actor, MessageActions.Extended, $"{before:yyyy-MM-dd} → {DueOn:yyyy-MM-dd}: {reason.Trim()}", now, DepartmentId);
    }

    /// <summary>The department's officer hands the reply to the head.</summary>
    public void DraftReply(Actor actor, string text, DateTimeOffset now)
    {
        if (Status != MessageStatus.Assigned)
        {
            throw new ConflictException(Status == MessageStatus.Answered ? "Interaction.Error.AlreadyAnswered" : "Interaction.Error.NotAwaitingDraft");
        }

        ReplyText = text;
        ReplyDraftedById = actor.UserId;
        ReplyDraftedByName = actor.DisplayName;
        Status = MessageStatus.ReplyInReview;
        Record(actor, MessageActions.Drafted, null, now, DepartmentId);
    }

    /// <summary>The head approves: the reply is published under the message at once.</summary>
    public void ApproveReply(Actor actor, string? opinion, DateTimeOffset now, DateOnly today)
    {
        EnsureReviewable(actor);
        Status = MessageStatus.Answered;
        ReplyApprovedByName = actor.DisplayName;
        AnsweredAt = now;
        AnsweredOn = today;
        ReplyMinutes = (int)Math.Max(0, Math.Round((now - ReceivedAt).TotalMinutes));
        Record(actor, MessageActions.Approved, string.IsNullOrWhiteSpace(opinion) ? null : opinion.Trim()[..Math.Min(opinion.Trim().Length, 500)], now, DepartmentId);
    }

    public void ReturnReply(Actor actor, string? opinion, DateTimeOffset now)
    {
        EnsureReviewable(actor);
        if (string.IsNullOrWhiteSpace(opinion))
        {
            throw ValidationFailedException.For("opinion", "Requests.Error.OpinionRequired");
        }

        if (opinion.Length > 500)
        {
            throw ValidationFailedException.For("opinion", "Interaction.Error.ReasonTooLong");
        }

        Status = MessageStatus.Assigned;
        Record(actor, MessageActions.Returned, opinion.Trim(), now, DepartmentId);
    }

    public void SetPublic(Actor actor, bool isPublic, string? reason, DateTimeOffset now)
    {
        if (!isPublic)
        {
            reason = RequireReason(reason);
        }

        IsPublic = isPublic;
        HiddenReason = isPublic ? null : reason!.Trim();
        Record(actor, isPublic ? MessageActions.Shown : MessageActions.Hidden, reason?.Trim(), now, DepartmentId);
    }

    private static string RequireReason(string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw ValidationFailedException.For("reason", "Interaction.Error.ReasonRequired");
        }

        reason = reason.Trim();
        return reason.Length <= 500 ? reason : throw ValidationFailedException.For("reason", "Interaction.Error.ReasonTooLong");
    }

    private void EnsureReviewable(Actor actor)
    {
        if (Status != MessageStatus.ReplyInReview)
        {
            throw new ConflictException(Status == MessageStatus.Answered ? "Interaction.Error.AlreadyAnswered" : "Interaction.Error.NoReplyToReview");
        }

        // The same rules as a request's step (ReviewService.Waiting): role, own department, not one's own draft.
        if (!actor.IsInRole(ReplyStep.Role) || (ReplyStep.Scope == StepScope.OwnDepartment && actor.DepartmentId != DepartmentId))
        {
            throw new ForbiddenException("Interaction.Error.NotReviewer");
        }

        if (actor.UserId == ReplyDraftedById)
        {
            throw new ForbiddenException("Interaction.Error.OwnDraft");
        }
    }

    private void Record(Actor actor, string action, string? detail, DateTimeOffset now, int? departmentId)
    {
        Version++;
        Events.Add(new MessageEvent { At = now, ActorId = actor.UserId, ActorName = actor.DisplayName, Action = action, Detail = detail, DepartmentId = departmentId });
    }
}

/// <summary>One line of a message's history (also the handler's audit trail beside the audit log).</summary>
public sealed class MessageEvent
{
    public long Id { get; set; }

    public int MessageId { get; set; }

    public DateTimeOffset At { get; set; }

    public int? ActorId { get; set; }

    public string ActorName { get; set; } = "";

    public string Action { get; set; } = "";

    public int? DepartmentId { get; set; }

    public string? Detail { get; set; }
}

public static class MessageActions
{
    public const string Received = nameof(Received);
    public const string Assigned = nameof(Assigned);
    public const string Reassigned = nameof(Reassigned);
    public const string Extended = nameof(Extended);
    public const string Drafted = nameof(Drafted);
    public const string Approved = nameof(Approved);
    public const string Returned = nameof(Returned);
    public const string Hidden = nameof(Hidden);
    public const string Shown = nameof(Shown);
}

/// <summary>Which overdue message was reminded about on which day (the reminder's own memory).</summary>
public sealed class InteractionReminder
{
    public int MessageId { get; set; }

    public DateOnly Day { get; set; }

    public DateTimeOffset SentAt { get; set; }
}
