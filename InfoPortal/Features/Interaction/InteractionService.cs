using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Audit;
using InfoPortal.Features.Notifications;
using InfoPortal.Features.Screening;
using InfoPortal.Features.Screening.Engine;
using InfoPortal.Infrastructure;
using InfoPortal.Infrastructure.Limits;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InfoPortal.Features.Interaction;

public sealed record MessageInput(MessageKind? Kind, string? Subject, string? Text, string? Name, string? Contact, bool Consent);

public sealed record MessageReceipt(string Ticket, string Code);

/// <summary>What the sender sees with ticket + code (never more than that).</summary>
public sealed record MessageLookup(string Ticket, MessageKind Kind, string Subject, MessageStatus Status, DateOnly ReceivedOn, DateOnly DueOn,
    string? Department, string? Reply, DateTimeOffset? AnsweredAt);

/// <summary>A message as the public list and detail show it: masked, without sender or contact.</summary>
public sealed record PublicMessage(int Id, string Ticket, MessageKind Kind, string Subject, string Text, DateOnly ReceivedOn, string Department, string Reply, DateTimeOffset AnsweredAt);

public sealed record PublicMessagePage(IReadOnlyList<PublicMessage> Items, int? NextAfter);

public enum MessageQueueKind
{
    /// <summary>Not yet assigned (the Publisher's desk).</summary>
    Incoming,

    /// <summary>Assigned to my department and waiting for us (a draft or a decision).</summary>
    Department,

    /// <summary>Everything this user may see, newest first.</summary>
    All,
}

public sealed record MessageQueueItem(int Id, string Ticket, MessageKind Kind, string Subject, MessageStatus Status, string? Department,
    DateTimeOffset ReceivedAt, DateOnly DueOn, bool Overdue, bool Flagged, bool IsPublic, int Version);

public sealed record InteractionCounts(int Incoming, int Department, int Overdue);

/// <summary>
/// The interaction column (互动栏目, rules.md §1 第十一条 / §3 四): a message is left anonymously,
/// lands with the Publisher, is assigned to the responsible department, answered by its officers,
/// approved by its head and published under the message. Authorisation is checked here for the
/// pages and the API alike; every step is audited.
/// </summary>
public sealed partial class InteractionService(
    IDbContextFactory<PortalDbContext> dbFactory,
    ScreeningService screening,
    SubmissionGuard guard,
    NotificationService notifications,
    AuditLog audit,
    IOptions<InteractionOptions> options,
    TimeProvider clock)
{
    private const string CodeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    public WorkingCalendar Calendar { get; } = WorkingCalendar.From(options.Value);

    public InteractionOptions Options => options.Value;

    public DateOnly Today => DateOnly.FromDateTime(clock.GetLocalNow().DateTime);

    // ---- the public side ----

    /// <summary>Checks the input, counts the attempt against the rate limits, screens and stores the message.</summary>
    public async Task<MessageReceipt> SubmitAsync(MessageInput input, string? ipAddress, CancellationToken cancellationToken = default)
    {
        var (subject, text, name, contact) = Validate(input);
        var limits = new List<(string, int, TimeSpan)> { ("submit-ip:" + (ipAddress ?? "unknown"), options.Value.MessagesPerIpPerHour, TimeSpan.FromHours(1)) };
        if (contact is not null)
        {
            limits.Add(("submit-contact:" + AttemptLimiter.HashKey(contact.ToLowerInvariant()), options.Value.MessagesPerContactPerDay, TimeSpan.FromDays(1)));
        }

        await guard.CountAsync(limits, "Interaction.Error.TooManyMessages", cancellationToken);

        var report = screening.Check(subject + "\n" + text);
        var flagged = report.Blocked;
        var personal = report.Hits.Any(h => h.Category == PersonalDataDetector.Category);
        var code = NewCode();
        var now = clock.GetUtcNow();
        var today = Today;
        var message = InteractionMessage.Receive(input.Kind!.Value, subject, text, name, contact, AttemptLimiter.HashKey(code), now, today,
            Calendar.AddWorkingDays(today, options.Value.ReplyWorkingDays), flagged, personal,
            JsonSerializer.Serialize(report.Hits.Select(h => new { h.Term, h.Category, h.Level })), ipAddress);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using (var tx = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            db.InteractionMessages.Add(message);
            await db.SaveChangesAsync(cancellationToken);
            message.SetTicket();
            await db.SaveChangesAsync(cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }

        await audit.AppendAsync(Actor.Anonymous(ipAddress), "MessageReceived", $"message:{message.Id}", AuditOutcome.Success,
            $"{message.Ticket} {message.Kind}{(flagged ? " flagged" : "")}{(personal ? " personal-data" : "")}", cancellationToken);
        await notifications.NotifyRoleAsync(Roles.Publisher, null, InteractionNotifications.New, [message.Ticket], Href(message.Id), cancellationToken);
        return new MessageReceipt(message.Ticket, code);
    }

    /// <summary>Ticket + code → the sender's view. Unknown ticket and wrong code look the same; lookups are rate-limited.</summary>
    public async Task<MessageLookup> LookupAsync(string? ticket, string? code, string? ipAddress, CancellationToken cancellationToken = default)
    {
        await guard.CountAsync([("lookup-ip:" + (ipAddress ?? "unknown"), options.Value.LookupsPerIpPerHour, TimeSpan.FromHours(1))], "Interaction.Error.TooManyLookups", cancellationToken);
        ticket = ticket?.Trim();
        code = code?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(ticket) || string.IsNullOrEmpty(code))
        {
            throw new NotFoundException("Interaction.Error.NotFound");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var m = await db.InteractionMessages.AsNoTracking().FirstOrDefaultAsync(x => x.Ticket == ticket, cancellationToken);
        var given = Encoding.ASCII.GetBytes(AttemptLimiter.HashKey(code));
        if (m is null || !CryptographicOperations.FixedTimeEquals(given, Encoding.ASCII.GetBytes(m.CodeHash)))
        {
            throw new NotFoundException("Interaction.Error.NotFound");
        }

        var department = m.DepartmentId is { } d ? await db.Departments.Where(x => x.Id == d).Select(x => x.Name).FirstOrDefaultAsync(cancellationToken) : null;
        var answered = m.Status == MessageStatus.Answered;
        return new MessageLookup(m.Ticket, m.Kind, m.Subject, m.Status, m.ReceivedOn, m.DueOn, department, answered ? m.ReplyText : null, m.AnsweredAt);
    }

    /// <summary>Answered, public messages, newest first, keyset-paged by id; personal data masked, no sender data.</summary>
    public async Task<PublicMessagePage> PublicListAsync(int? after, int limit, CancellationToken cancellationToken = default)
    {
        limit = Math.Clamp(limit, 1, 50);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = Published(db);
        if (after is { } a)
        {
            query = query.Where(m => m.Id < a);
        }

        var rows = await query.OrderByDescending(m => m.Id).Take(limit + 1).Select(m => new
        {
            m.Id, m.Ticket, m.Kind, m.Subject, m.Text, m.ReceivedOn, m.ReplyText, m.AnsweredAt, m.SenderName, m.Contact,
            Department = db.Departments.Where(d => d.Id == m.DepartmentId).Select(d => d.Name).First(),
        }).ToListAsync(cancellationToken);
        var items = rows.Take(limit).Select(r => new PublicMessage(r.Id, r.Ticket, r.Kind, Mask(r.Subject, r.SenderName, r.Contact), Mask(r.Text, r.SenderName, r.Contact),
            r.ReceivedOn, r.Department, Mask(r.ReplyText ?? "", r.SenderName, r.Contact), r.AnsweredAt!.Value)).ToList();
        return new PublicMessagePage(items, rows.Count > limit ? items[^1].Id : null);
    }

    public async Task<PublicMessage?> PublicDetailAsync(string ticket, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var r = await Published(db).Where(m => m.Ticket == ticket).Select(m => new
        {
            m.Id, m.Ticket, m.Kind, m.Subject, m.Text, m.ReceivedOn, m.ReplyText, m.AnsweredAt, m.SenderName, m.Contact,
            Department = db.Departments.Where(d => d.Id == m.DepartmentId).Select(d => d.Name).First(),
        }).FirstOrDefaultAsync(cancellationToken);
        return r is null ? null : new PublicMessage(r.Id, r.Ticket, r.Kind, Mask(r.Subject, r.SenderName, r.Contact), Mask(r.Text, r.SenderName, r.Contact),
            r.ReceivedOn, r.Department, Mask(r.ReplyText ?? "", r.SenderName, r.Contact), r.AnsweredAt!.Value);
    }

    private static IQueryable<InteractionMessage> Published(PortalDbContext db) =>
        db.InteractionMessages.AsNoTracking().Where(m => m.Status == MessageStatus.Answered && m.IsPublic && !m.Flagged);

    /// <summary>
    /// Personal data (ID numbers, phones, e-mails, bank cards) and the sender's own name and contact
    /// wherever they occur in the text, replaced by asterisks.
    /// </summary>
    public string Mask(string text, string? senderName = null, string? contact = null)
    {
        foreach (var own in new[] { senderName, contact })
        {
            if (own is { Length: >= 2 })
            {
                text = text.Replace(own, new string('*', own.Length), StringComparison.OrdinalIgnoreCase);
            }
        }

        var hits = screening.Check(text).Hits.Where(h => h.Category == PersonalDataDetector.Category).ToList();
        if (hits.Count == 0)
        {
            return text;
        }

        var chars = text.ToCharArray();
        foreach (var hit in hits)
        {
            for (var i = hit.Start; i < hit.Start + hit.Length && i < chars.Length; i++)
            {
                chars[i] = '*';
            }
        }

        return new string(chars);
    }

    // ---- the back office ----

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
        await notifications.StageRoleAsync(db, Roles.Officer, departmentId, InteractionNotifications.Assigned, [message.Ticket, message.Subject], Href(id), cancellationToken);
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
        await notifications.StageUsersAsync(db, heads.Where(h => h != actor.UserId), InteractionNotifications.ReplyWaiting, [message.Ticket, message.Subject], Href(id), cancellationToken);
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
                [message.Ticket, opinion ?? ""], Href(id), cancellationToken);
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

    // ---- helpers ----

    private (string Subject, string Text, string? Name, string? Contact) Validate(MessageInput input)
    {
        var errors = new Dictionary<string, string[]>();
        var subject = input.Subject?.Trim() ?? "";
        var text = input.Text?.Trim() ?? "";
        var name = string.IsNullOrWhiteSpace(input.Name) ? null : input.Name.Trim();
        var contact = string.IsNullOrWhiteSpace(input.Contact) ? null : input.Contact.Trim();
        if (input.Kind is null || !Enum.IsDefined(input.Kind.Value))
        {
            errors["kind"] = ["Interaction.Error.KindRequired"];
        }

        if (subject.Length == 0)
        {
            errors["subject"] = ["Interaction.Error.SubjectRequired"];
        }
        else if (subject.Length > options.Value.MaxSubjectLength)
        {
            errors["subject"] = ["Interaction.Error.SubjectTooLong"];
        }

        if (text.Length == 0)
        {
            errors["text"] = ["Interaction.Error.TextRequired"];
        }
        else if (text.Length > options.Value.MaxTextLength)
        {
            errors["text"] = ["Interaction.Error.TextTooLong"];
        }

        if (name is { Length: > 50 })
        {
            errors["name"] = ["Interaction.Error.NameTooLong"];
        }

        if (contact is not null && !IsValidContact(contact))
        {
            errors["contact"] = ["Interaction.Error.ContactInvalid"];
        }

        if (!input.Consent)
        {
            errors["consent"] = ["Interaction.Error.ConsentRequired"];
        }

        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors, errors.TryGetValue("text", out var textErrors) && textErrors[0] == "Interaction.Error.TextTooLong"
                ? "Interaction.Error.TextTooLong" : "Interaction.Error.Invalid");
        }

        return (subject, text, name, contact);
    }

    public static bool IsValidContact(string contact) =>
        contact.Length <= 100 && (PhonePattern().IsMatch(contact) || EmailPattern().IsMatch(contact));

    [GeneratedRegex(@"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$", RegexOptions.CultureInvariant)]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]{2,}$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    private static string NewCode() => RandomNumberGenerator.GetString(CodeAlphabet, 10);

    private static string Href(int id) => $"/office/interaction/{id}";

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

public static class InteractionNotifications
{
    public const string New = "InteractionNew";
    public const string Assigned = "InteractionAssigned";
    public const string ReplyWaiting = "InteractionReplyWaiting";
    public const string ReplyReturned = "InteractionReplyReturned";
    public const string Answered = "InteractionAnswered";
    public const string Overdue = "InteractionOverdue";
}
