using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Features.Audit;
using InfoPortal.Features.Notifications;
using InfoPortal.Features.Screening;
using InfoPortal.Infrastructure;
using InfoPortal.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InfoPortal.Features.Interaction;

/// <summary>
/// The interaction column inside the agency (rules.md §1 第十一条 / §3 四): a message left on the
/// public side (<see cref="PublicInteractionService"/>) lands with the Publisher, is assigned to the
/// responsible department, answered by its officers, approved by its head and published under the
/// message. Authorisation is checked here for the pages and the API alike; every step is audited
/// in the transaction of its change.
/// </summary>
public sealed class InteractionService(
    IDbContextFactory<PortalDbContext> dbFactory,
    ScreeningService screening,
    NotificationService notifications,
    AuditLog audit,
    IOptions<InteractionOptions> options,
    TimeProvider clock)
{
    public WorkingCalendar Calendar { get; } = WorkingCalendar.From(options.Value);

    public DateOnly Today => DateOnly.FromDateTime(clock.GetLocalNow().DateTime);

    public async Task<IReadOnlyList<MessageQueueItem>> QueueAsync(Actor actor, MessageQueueKind queue, bool overdueOnly = false, int? after = null, int limit = 50, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var today = Today;
        var query = queue switch
        {
            MessageQueueKind.Incoming => actor.Has(Permissions.Interaction.Route) ? db.InteractionMessages.Where(m => m.Status == MessageStatus.Received) : db.InteractionMessages.Where(_ => false),
            MessageQueueKind.Department => WaitingForDepartment(db, actor),
            _ => Visible(db, actor),
        };
        if (overdueOnly)
        {
            query = query.Where(m => m.Status != MessageStatus.Answered && m.DueOn < today);
        }

        if (after is { } a)
        {
            query = queue == MessageQueueKind.All ? query.Where(m => m.Id < a) : query.Where(m => m.Id > a);
        }

        query = queue == MessageQueueKind.All ? query.OrderByDescending(m => m.Id) : query.OrderBy(m => m.Id);
        return await query.AsNoTracking().Take(Math.Clamp(limit, 1, 200)).Select(m => new MessageQueueItem(m.Id, m.Ticket, m.Kind, m.Subject, m.Status,
            db.Departments.Where(d => d.Id == m.DepartmentId).Select(d => d.Name).FirstOrDefault(), m.ReceivedAt, m.DueOn,
            m.Status != MessageStatus.Answered && m.DueOn < today, m.Flagged, m.IsPublic, m.Version)).ToListAsync(cancellationToken);
    }

    public async Task<InteractionCounts> CountsAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var today = Today;
        var incoming = actor.Has(Permissions.Interaction.Route) ? await db.InteractionMessages.CountAsync(m => m.Status == MessageStatus.Received, cancellationToken) : 0;
        var department = await WaitingForDepartment(db, actor).CountAsync(cancellationToken);
        var overdue = await Visible(db, actor).CountAsync(m => m.Status != MessageStatus.Answered && m.DueOn < today, cancellationToken);
        return new InteractionCounts(incoming, department, overdue);
    }

    /// <summary>Officers: assigned to their department, waiting for a draft; heads: drafts waiting for their approval (not their own).</summary>
    private static IQueryable<InteractionMessage> WaitingForDepartment(PortalDbContext db, Actor actor)
    {
        var department = actor.DepartmentId ?? -1;
        var userId = actor.UserId ?? -1;
        var drafts = actor.Has(Permissions.Interaction.Reply);
        var approves = actor.Has(Permissions.Interaction.ApproveReply);
        return db.InteractionMessages.Where(m => m.DepartmentId == department &&
            ((drafts && m.Status == MessageStatus.Assigned) || (approves && m.Status == MessageStatus.ReplyInReview && m.ReplyDraftedById != userId)));
    }

    /// <summary>The Publisher sees all messages; a department's officers and head see those assigned to it.</summary>
    private static IQueryable<InteractionMessage> Visible(PortalDbContext db, Actor actor)
    {
        if (actor.Has(Permissions.Interaction.Route))
        {
            return db.InteractionMessages;
        }

        var department = actor.DepartmentId ?? -1;
        return actor.Has(Permissions.Interaction.Reply)
            ? db.InteractionMessages.Where(m => m.DepartmentId == department)
            : db.InteractionMessages.Where(_ => false);
    }

    public async Task<InteractionMessage> GetAsync(Actor actor, int id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await Visible(db, actor).AsNoTracking().Include(m => m.Events.OrderBy(e => e.Id)).FirstOrDefaultAsync(m => m.Id == id, cancellationToken)
            ?? throw new NotFoundException("Interaction.Error.NotFound");
    }

    public async Task<string?> DepartmentNameAsync(int? id, CancellationToken cancellationToken = default)
    {
        if (id is null)
        {
            return null;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Departments.Where(d => d.Id == id).Select(d => d.Name).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Publisher: assign a department, or reassign with a reason.</summary>
    public async Task<InteractionMessage> AssignAsync(Actor actor, int id, int departmentId, string? reason, CancellationToken cancellationToken = default)
    {
        Require(actor.Has(Permissions.Interaction.Route));
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.Departments.AnyAsync(d => d.Id == departmentId, cancellationToken))
        {
            throw ValidationFailedException.For("departmentId", "Interaction.Error.UnknownDepartment");
        }

        var message = await LoadAsync(db, id, cancellationToken);
        var reassign = message.Status != MessageStatus.Received;
        message.Assign(actor, departmentId, reason, clock.GetUtcNow());
        audit.Stage(db, actor, reassign ? "MessageReassigned" : "MessageAssigned", $"message:{id}", AuditOutcome.Success,
            $"{message.Ticket} → department {departmentId}{(reassign ? ": " + reason : "")}");
        await notifications.StageRoleAsync(db, Roles.Officer, departmentId, InteractionNotifications.Assigned, [message.Ticket, message.Subject], InteractionNotifications.Href(id), cancellationToken);
        await SaveAsync(db, CancellationToken.None);
        return message;
    }

    /// <summary>Publisher or the responsible department's head: move the deadline by working days, with a reason.</summary>
    public async Task<InteractionMessage> ExtendAsync(Actor actor, int id, int workingDays, string? reason, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var message = await LoadAsync(db, id, cancellationToken);
        Require(actor.Has(Permissions.Interaction.Route) || (actor.Has(Permissions.Interaction.ApproveReply) && actor.DepartmentId == message.DepartmentId));
        message.Extend(actor, workingDays, reason, Calendar, clock.GetUtcNow());
        audit.Stage(db, actor, "MessageExtended", $"message:{id}", AuditOutcome.Success, $"{message.Ticket} +{workingDays} → {message.DueOn:yyyy-MM-dd}: {reason}");
        await SaveAsync(db, CancellationToken.None);
        return message;
    }

    /// <summary>An officer (or the head) of the responsible department drafts the reply and hands it to the head.</summary>
    public async Task<InteractionMessage> DraftReplyAsync(Actor actor, int id, string? text, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var message = await LoadAsync(db, id, cancellationToken);
        Require(actor.Has(Permissions.Interaction.Reply) && actor.DepartmentId is { } d && d == message.DepartmentId, "Interaction.Error.NotYourDepartment");
        text = text?.Trim() ?? "";
        if (text.Length == 0)
        {
            throw ValidationFailedException.For("text", "Interaction.Error.ReplyRequired");
        }

        if (text.Length > options.Value.MaxTextLength)
        {
            throw ValidationFailedException.For("text", "Interaction.Error.ReplyTooLong");
        }

        // Replies are screened like submissions: secrecy markings refuse (422).
        var report = screening.Check(text);
        if (report.Blocked)
        {
            await audit.AppendAsync(actor, "MessageReplyBlocked", $"message:{id}", AuditOutcome.Refused, string.Join("、", report.Hits.Where(h => h.Level == "Block").Select(h => h.Term).Distinct()), cancellationToken);
            throw new ScreeningBlockedException(report);
        }

        message.DraftReply(actor, text, clock.GetUtcNow());
        audit.Stage(db, actor, "MessageReplyDrafted", $"message:{id}", AuditOutcome.Success, message.Ticket);
        var heads = await notifications.UsersInRoleAsync(Roles.DeptHead, message.DepartmentId, cancellationToken);
        await notifications.StageUsersAsync(db, heads.Where(h => h != actor.UserId), InteractionNotifications.ReplyWaiting, [message.Ticket, message.Subject], InteractionNotifications.Href(id), cancellationToken);
        await SaveAsync(db, CancellationToken.None);
        return message;
    }

    /// <summary>The head of the responsible department approves (the reply is published) or returns it with an opinion.</summary>
    public async Task<InteractionMessage> DecideAsync(Actor actor, int id, Requests.DecisionOutcome decision, string? opinion, int? version, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var message = await LoadAsync(db, id, cancellationToken);
        if (version is { } v && v != message.Version)
        {
            throw new ConflictException("Interaction.Error.Concurrent");
        }

        if (decision == Requests.DecisionOutcome.Approve)
        {
            // Screen again: the word lists may have changed since the draft.
            var report = screening.Check(message.ReplyText ?? "");
            if (report.Blocked)
            {
                throw new ScreeningBlockedException(report);
            }

            message.ApproveReply(actor, opinion, clock.GetUtcNow(), Today);
        }
        else
        {
            message.ReturnReply(actor, opinion, clock.GetUtcNow());
        }

        audit.Stage(db, actor, decision == Requests.DecisionOutcome.Approve ? "MessageReplyApproved" : "MessageReplyReturned", $"message:{id}", AuditOutcome.Success,
            $"{message.Ticket}{(string.IsNullOrWhiteSpace(opinion) ? "" : ": " + opinion)}");
        if (message.ReplyDraftedById is { } drafter)
        {
            await notifications.StageUsersAsync(db, [drafter], decision == Requests.DecisionOutcome.Approve ? InteractionNotifications.Answered : InteractionNotifications.ReplyReturned,
                [message.Ticket, opinion ?? ""], InteractionNotifications.Href(id), cancellationToken);
        }

        await SaveAsync(db, CancellationToken.None);
        return message;
    }

    /// <summary>Publisher: withhold a message from the public list (with a reason), or show it again.</summary>
    public async Task<InteractionMessage> SetPublicAsync(Actor actor, int id, bool isPublic, string? reason, CancellationToken cancellationToken = default)
    {
        Require(actor.Has(Permissions.Interaction.Route));
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var message = await LoadAsync(db, id, cancellationToken);
        if (isPublic && message.Flagged)
        {
            throw new ConflictException("Interaction.Error.FlaggedStaysHidden");
        }

        message.SetPublic(actor, isPublic, reason, clock.GetUtcNow());
        audit.Stage(db, actor, isPublic ? "MessageShown" : "MessageHidden", $"message:{id}", AuditOutcome.Success, $"{message.Ticket}{(reason is null ? "" : ": " + reason)}");
        await SaveAsync(db, CancellationToken.None);
        return message;
    }

    private static void Require(bool allowed, string message = "Interaction.Error.NotAllowed")
    {
        if (!allowed)
        {
            throw new ForbiddenException(message);
        }
    }

    private static async Task<InteractionMessage> LoadAsync(PortalDbContext db, int id, CancellationToken cancellationToken) =>
        await db.InteractionMessages.Include(m => m.Events).FirstOrDefaultAsync(m => m.Id == id, cancellationToken) ?? throw new NotFoundException("Interaction.Error.NotFound");

    private static async Task SaveAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictException("Interaction.Error.Concurrent");
        }
    }
}
