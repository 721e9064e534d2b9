using InfoPortal.Data;
using InfoPortal.Features.Notifications;
using InfoPortal.Features.Requests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InfoPortal.Features.Review;

/// <summary>Which request was reminded about on which day: the daily reminder's own memory.</summary>
public sealed class OverdueReminder
{
    public int RequestId { get; set; }

    public DateOnly Day { get; set; }

    public int Round { get; set; }

    public int StepIndex { get; set; }

    public DateTimeOffset SentAt { get; set; }
}

/// <summary>
/// Once a day, tells the reviewers of every overdue step (Review:OverdueDays) that it waits for
/// them. Idempotent per day: a rerun the same day sends nothing new.
/// </summary>
public sealed class OverdueReminderService(
    IDbContextFactory<PortalDbContext> dbFactory,
    NotificationService notifications,
    IOptions<ReviewOptions> options,
    TimeProvider clock)
{
    public async Task<int> RemindAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
        var before = now.AddDays(-options.Value.OverdueDays);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var overdue = await db.Requests.AsNoTracking()
            .Where(r => r.Status == RequestStatus.InReview && r.CurrentStepSince < before)
            .Where(r => !db.OverdueReminders.Any(m => m.RequestId == r.Id && m.Day == today))
            .Select(r => new { r.Id, r.Title, r.Round, r.CurrentStepIndex, r.CurrentRole, r.CurrentScope, r.DepartmentId, r.OfficerId })
            .Take(1000)
            .ToListAsync(cancellationToken);

        foreach (var r in overdue)
        {
            // Claim the day first: the unique (request, day) key stops a concurrent run from sending twice.
            db.OverdueReminders.Add(new OverdueReminder { RequestId = r.Id, Day = today, Round = r.Round, StepIndex = r.CurrentStepIndex, SentAt = now });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                db.ChangeTracker.Clear();
                continue;
            }

            var reviewers = await notifications.UsersInRoleAsync(r.CurrentRole!, r.CurrentScope == StepScope.OwnDepartment ? r.DepartmentId : null, cancellationToken);
            await notifications.NotifyUsersAsync(reviewers.Where(u => u != r.OfficerId), NotificationKinds.Overdue, [r.Title], $"/office/requests/{r.Id}", cancellationToken);
        }

        return overdue.Count;
    }
}

/// <summary>
/// The daily overdue reminder as a periodic job (08:30 local by default, Jobs:overdue-reminders:Cron).
/// The service remembers per request and day, so a rerun the same day sends nothing new; the
/// catch-up runs today's only (yesterday's reminders are no use now).
/// </summary>
public sealed class OverdueReminderJob(OverdueReminderService reminders) : Infrastructure.Jobs.DailyJob
{
    public override string Name => "overdue-reminders";

    public override string DefaultCron => "30 8 * * *";

    public override async Task<Infrastructure.Jobs.JobResult> RunAsync(Infrastructure.Jobs.JobPeriod period, CancellationToken cancellationToken) =>
        Infrastructure.Jobs.JobResult.Done(await reminders.RemindAsync(cancellationToken));
}
