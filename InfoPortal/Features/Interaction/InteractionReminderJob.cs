using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Notifications;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Features.Interaction;

/// <summary>
/// The daily reminder: for every unanswered message past its deadline on <c>day</c>, tells the
/// responsible department (officers and head; the Publisher while unassigned). Idempotent: a
/// (message, day) row is claimed before anyone is told, so a rerun the same day sends nothing.
/// </summary>
public sealed class InteractionReminderJob(IDbContextFactory<PortalDbContext> dbFactory, NotificationService notifications, SubmissionGuard guard, TimeProvider clock)
{
    public async Task<int> RunAsync(DateOnly day, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var overdue = await db.InteractionMessages.AsNoTracking()
            .Where(m => m.Status != MessageStatus.Answered && m.DueOn < day)
            .Where(m => !db.InteractionReminders.Any(r => r.MessageId == m.Id && r.Day == day))
            .OrderBy(m => m.Id)
            .Select(m => new { m.Id, m.Ticket, m.Status, m.DepartmentId, m.DueOn })
            .Take(1000)
            .ToListAsync(cancellationToken);

        var sent = 0;
        foreach (var m in overdue)
        {
            db.InteractionReminders.Add(new InteractionReminder { MessageId = m.Id, Day = day, SentAt = clock.GetUtcNow() });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another run claimed this message for the day.
                db.ChangeTracker.Clear();
                continue;
            }

            var users = new List<int>();
            if (m.DepartmentId is { } department)
            {
                users.AddRange(await notifications.UsersInRoleAsync(m.Status == MessageStatus.ReplyInReview ? Roles.DeptHead : Roles.Officer, department, cancellationToken));
            }
            else
            {
                users.AddRange(await notifications.UsersInRoleAsync(Roles.Publisher, null, cancellationToken));
            }

            await notifications.NotifyUsersAsync(users, InteractionNotifications.Overdue, [m.Ticket, m.DueOn.ToString("yyyy-MM-dd")], $"/office/interaction/{m.Id}", cancellationToken);
            sent++;
        }

        await guard.PruneAsync(cancellationToken);
        return sent;
    }
}

/// <summary>The overdue-message reminder as a daily periodic job (default 09:00 in Jobs:TimeZone) for the day it runs in.</summary>
public sealed class InteractionReminderPeriodicJob(InteractionReminderJob job) : Infrastructure.Jobs.DailyJob
{
    public override string Name => "interaction-reminders";

    public override string DefaultCron => "0 9 * * *";

    public override async Task<Infrastructure.Jobs.JobResult> RunAsync(Infrastructure.Jobs.JobPeriod period, CancellationToken cancellationToken) =>
        Infrastructure.Jobs.JobResult.Done(await job.RunAsync(period.FirstDay, cancellationToken));
}
