using System.Globalization;
using System.Text.Json;
using InfoPortal.Data;
using InfoPortal.Features.Outbox;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using MimeKit;

namespace InfoPortal.Features.Notifications;

/// <summary>SMTP settings (<c>Smtp</c>); mail is off while <see cref="Host"/> is empty.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Smtp";

    public string Host { get; set; } = "";

    public int Port { get; set; } = 587;

    /// <summary>None, StartTls or SslOnConnect.</summary>
    public string Security { get; set; } = "StartTls";

    public string UserName { get; set; } = "";

    public string Password { get; set; } = "";

    public string From { get; set; } = "infoportal@localhost";

    /// <summary>Link base in mails, e.g. https://portal.example.gov.cn.</summary>
    public string BaseUrl { get; set; } = "";
}

/// <summary>
/// Stages notification mails as outbox rows in the caller's transaction (ADR 0021 §3): a mail is
/// sent if and only if the change that caused it commits, and a crash or a mail server that is
/// down loses nothing — <see cref="MailOutboxHandler"/> sends it, retried until it goes.
/// </summary>
public sealed class EmailOutbox(IOptions<SmtpOptions> options, IStringLocalizer<SharedResource> localizer, TimeProvider clock)
{
    public const string Kind = "mail";

    public bool Enabled => !string.IsNullOrWhiteSpace(options.Value.Host);

    public void Stage(PortalDbContext db, IReadOnlyList<string> addresses, string kind, IReadOnlyList<string> args, string? href)
    {
        if (!Enabled || addresses.Count == 0)
        {
            return;
        }

        // Mail goes out in the default language (zh-CN).
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("zh-CN");
        try
        {
            var text = localizer["Notify." + kind, [.. args]].Value;
            var body = href is null ? text : $"{text}\n\n{options.Value.BaseUrl.TrimEnd('/')}{href}";
            var now = clock.GetUtcNow();
            foreach (var address in addresses)
            {
                // A fixed Message-Id: a mail sent twice (at-least-once) is recognisable as one by the receiving side.
                var mail = new MailPayload(address, text, body, $"{Guid.NewGuid():N}@infoportal");
                db.OutboxMessages.Add(new OutboxMessage { Kind = Kind, Payload = JsonSerializer.Serialize(mail), CreatedAt = now, NextAttemptAt = now });
            }
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }
}

public sealed record MailPayload(string To, string Subject, string Body, string MessageId);

/// <summary>Sends one staged mail over SMTP; a failure throws, and the outbox retries it later.</summary>
public sealed class MailOutboxHandler(IOptions<SmtpOptions> options) : IOutboxHandler
{
    public string Kind => EmailOutbox.Kind;

    public async Task HandleAsync(string payload, CancellationToken cancellationToken)
    {
        var mail = JsonSerializer.Deserialize<MailPayload>(payload) ?? throw new InvalidOperationException("Empty mail payload.");
        var o = options.Value;
        var message = new MimeMessage { Subject = mail.Subject, MessageId = mail.MessageId, Body = new TextPart("plain") { Text = mail.Body } };
        message.From.Add(MailboxAddress.Parse(o.From));
        message.To.Add(MailboxAddress.Parse(mail.To));
        using var client = new SmtpClient();
        var security = Enum.TryParse<SecureSocketOptions>(o.Security, true, out var s) ? s : SecureSocketOptions.StartTls;
        await client.ConnectAsync(o.Host, o.Port, security, cancellationToken);
        if (!string.IsNullOrEmpty(o.UserName))
        {
            await client.AuthenticateAsync(o.UserName, o.Password, cancellationToken);
        }

        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(true, cancellationToken);
    }
}
