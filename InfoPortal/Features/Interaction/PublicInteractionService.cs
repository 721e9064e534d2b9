using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Features.Audit;
using InfoPortal.Features.Notifications;
using InfoPortal.Features.Screening;
using InfoPortal.Features.Screening.Engine;
using InfoPortal.Infrastructure;
using InfoPortal.Infrastructure.Limits;
using InfoPortal.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InfoPortal.Features.Interaction;

/// <summary>
/// The public side of the interaction column (互动栏目, rules.md §1 第十一条 / §3 四): anyone leaves a
/// message (checked, rate-limited, screened) and gets a ticket and a code; ticket + code show the
/// sender where it stands; answered, public messages are listed with personal data masked. What
/// happens to a message inside the agency is <see cref="InteractionService"/>.
/// </summary>
public sealed partial class PublicInteractionService(
    IDbContextFactory<PortalDbContext> dbFactory,
    ScreeningService screening,
    SubmissionGuard guard,
    NotificationService notifications,
    AuditLog audit,
    IOptions<InteractionOptions> options,
    TimeProvider clock)
{
    private const string CodeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private readonly WorkingCalendar _calendar = WorkingCalendar.From(options.Value);

    public InteractionOptions Options => options.Value;

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
        var today = DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
        var message = InteractionMessage.Receive(input.Kind!.Value, subject, text, name, contact, AttemptLimiter.HashKey(code), now, today,
            _calendar.AddWorkingDays(today, options.Value.ReplyWorkingDays), flagged, personal,
            JsonSerializer.Serialize(report.Hits.Select(h => new { h.Term, h.Category, h.Level })), ipAddress);

        // The message, its audit record and the Publisher's notification commit together (ADR 0021);
        // once the first row is written the sender's disconnect no longer stops it.
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using (var tx = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            db.InteractionMessages.Add(message);
            await db.SaveChangesAsync(CancellationToken.None);
            message.SetTicket();
            audit.Stage(db, Actor.Anonymous(ipAddress), "MessageReceived", $"message:{message.Id}", AuditOutcome.Success,
                $"{message.Ticket} {message.Kind}{(flagged ? " flagged" : "")}{(personal ? " personal-data" : "")}");
            await notifications.StageRoleAsync(db, Roles.Publisher, null, InteractionNotifications.New, [message.Ticket], InteractionNotifications.Href(message.Id), CancellationToken.None);
            await db.SaveChangesAsync(CancellationToken.None);
            await tx.CommitAsync(CancellationToken.None);
        }

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
}
