using System.Diagnostics;
using InfoPortal.Features.Notifications;
using InfoPortal.Features.Outbox;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Features.Outbox;

/// <summary>
/// ADR 0021's durable outbox, on both databases: a mail staged with its notification is kept
/// through a failed delivery and a restart, and sent to a real SMTP socket once one answers.
/// </summary>
public sealed class OutboxMailTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task OutboxMail_SurvivesARestart_AndIsRetriedAfterAFailure(string provider)
    {
        var port = 20150 + (provider == "Postgres" ? 1 : 0);
        PortalFactory Configure(PortalFactory f) => f
            .With("Smtp:Host", "127.0.0.1").With("Smtp:Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)).With("Smtp:Security", "None")
            .With("Outbox:PollSeconds", "0.2").With("Outbox:BackoffSeconds", "0.2").With("Outbox:MaxBackoffSeconds", "1");

        var first = Configure(await PortalFactory.CreateAsync(provider));
        first.KeepDatabase = true;
        var officer = await first.ActorAsync("officer");
        await using (var db = first.CreateDbContext())
        {
            await db.Users.Where(u => u.Id == officer.UserId).ExecuteUpdateAsync(s => s.SetProperty(u => u.Email, "officer@example.gov.cn"));
        }

        using (var scope = first.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<NotificationService>()
                .NotifyUsersAsync([officer.UserId!.Value], NotificationKinds.Published, ["县局召开药品安全专题会议"], "/articles/1");
        }

        // No mail server yet: the worker tries, fails, and writes the failure down.
        await WaitForAsync(first, m => m.Attempts >= 1 && m.LastError != null && m.ProcessedAt == null);
        await first.DisposeAsync();

        using var server = new TinySmtpServer(port);
        await using var restarted = Configure(first.OnSameDatabase());
        try
        {
            _ = restarted.Services;
            var sent = await WaitForAsync(restarted, m => m.ProcessedAt != null);
            Assert.True(sent.Attempts >= 2, $"attempts {sent.Attempts}");
            var mail = Assert.Single(server.Messages);
            Assert.Contains("officer@example.gov.cn", mail);
        }
        finally
        {
            first.DeleteKeptDataFolder();
        }
    }

    private static async Task<OutboxMessage> WaitForAsync(PortalFactory app, Func<OutboxMessage, bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            await using (var db = app.CreateDbContext())
            {
                var message = await db.OutboxMessages.AsNoTracking().SingleAsync();
                if (condition(message))
                {
                    return message;
                }

                if (deadline.Elapsed > TimeSpan.FromSeconds(60))
                {
                    Assert.Fail($"outbox message never reached the state: attempts={message.Attempts} processed={message.ProcessedAt} error={message.LastError}");
                }
            }

            await Task.Delay(50);
        }
    }
}
