using System.Globalization;
using System.Threading.Channels;
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

/// <summary>Queues notification mails and sends them in the background, so a slow mail server never slows a request.</summary>
public sealed class EmailOutbox(IOptions<SmtpOptions> options, IStringLocalizer<SharedResource> localizer)
{
    private readonly Channel<MimeMessage> _queue = Channel.CreateBounded<MimeMessage>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });

    public bool Enabled => !string.IsNullOrWhiteSpace(options.Value.Host);

    public ChannelReader<MimeMessage> Reader => _queue.Reader;

    public void Enqueue(IReadOnlyList<string> addresses, string kind, IReadOnlyList<string> args, string? href)
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
            foreach (var address in addresses)
            {
                var message = new MimeMessage();
                message.From.Add(MailboxAddress.Parse(options.Value.From));
                message.To.Add(MailboxAddress.Parse(address));
                message.Subject = text;
                message.Body = new TextPart("plain") { Text = href is null ? text : $"{text}\n\n{options.Value.BaseUrl.TrimEnd('/')}{href}" };
                _queue.Writer.TryWrite(message);
            }
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }
}

public sealed class EmailSenderService(EmailOutbox outbox, IOptions<SmtpOptions> options, ILogger<EmailSenderService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var message in outbox.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                var o = options.Value;
                using var client = new SmtpClient();
                var security = Enum.TryParse<SecureSocketOptions>(o.Security, true, out var s) ? s : SecureSocketOptions.StartTls;
                await client.ConnectAsync(o.Host, o.Port, security, stoppingToken);
                if (!string.IsNullOrEmpty(o.UserName))
                {
                    await client.AuthenticateAsync(o.UserName, o.Password, stoppingToken);
                }

                await client.SendAsync(message, stoppingToken);
                await client.DisconnectAsync(true, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Sending a notification mail to {To} failed", message.To);
            }
        }
    }
}
