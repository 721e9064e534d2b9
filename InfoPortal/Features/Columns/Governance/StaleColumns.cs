using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Notifications;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Features.Columns.Governance;

/// <summary>A column with nothing new for longer than its own limit (rules.md §1 第三条, 第十六条).</summary>
public sealed record StaleColumn(
    int ColumnId, string Name, Site Site, int StaleAfterDays, int? DepartmentId, string? DepartmentName,
    DateTimeOffset? LastPublishedAt, DateTimeOffset Since, int DaysWithoutUpdate);

/// <summary>
/// When each column last had an item go live (taken down later or not), as of a moment. Columns know
/// nothing of what is published under them: Requests, which keeps the publications, answers (ADR 0059).
/// </summary>
public interface IColumnActivity
{
    /// <summary>The newest publication time per column, for columns that had one at or before <paramref name="asOf"/>.</summary>
    Task<IReadOnlyDictionary<int, DateTimeOffset>> LastPublishedAsync(PortalDbContext db, DateTimeOffset asOf, CancellationToken cancellationToken);
}

/// <summary>
/// Lists active columns whose newest published item (or, for a column never used, its creation) is
/// older than the column's StaleAfterDays. The newest item per column comes from
/// <see cref="IColumnActivity"/> (one grouped query over the publication index); the per-column limit
/// is compared here, over the handful of columns a site has.
/// </summary>
public sealed class StaleColumnReport(IDbContextFactory<PortalDbContext> dbFactory, IColumnActivity activity)
{
    public async Task<IReadOnlyList<StaleColumn>> GetAsync(DateTimeOffset asOf, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Columns.AsNoTracking()
            .Where(c => !c.IsRetired && c.CreatedAt <= asOf)
            .Select(c => new
            {
                c.Id,
                c.Name,
                c.Site,
                c.StaleAfterDays,
                c.ResponsibleDepartmentId,
                c.CreatedAt,
                c.SortOrder,
                Department = db.Departments.Where(d => d.Id == c.ResponsibleDepartmentId).Select(d => d.Name).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        // An item counts as an update when it went live, even if it was later taken down.
        var last = await activity.LastPublishedAsync(db, asOf, cancellationToken);

        return [.. rows
            .Select(r => new { r, Last = last.TryGetValue(r.Id, out var at) ? at : (DateTimeOffset?)null })
            .Select(x => new { x.r, x.Last, Since = x.Last ?? x.r.CreatedAt })
            .Where(x => x.Since < asOf.AddDays(-x.r.StaleAfterDays))
            .OrderBy(x => x.r.Site).ThenBy(x => x.r.SortOrder).ThenBy(x => x.r.Id)
            .Select(x => new StaleColumn(x.r.Id, x.r.Name, x.r.Site, x.r.StaleAfterDays, x.r.ResponsibleDepartmentId, x.r.Department,
                x.Last, x.Since, (int)Math.Floor((asOf - x.Since).TotalDays)))];
    }
}

/// <summary>That a stale column's department was told on a day: the daily job's own memory.</summary>
public sealed class StaleColumnNotice
{
    public int ColumnId { get; set; }

    public DateOnly Day { get; set; }

    public int? DepartmentId { get; set; }

    /// <summary>When the column's silence began (its newest item, or its creation).</summary>
    public DateTimeOffset StaleSince { get; set; }

    public int Recipients { get; set; }

    public DateTimeOffset SentAt { get; set; }
}

/// <summary>
/// Once a day: tells each stale column's responsible department (its officers and its head).
/// Idempotent per (column, day): the notice row is claimed first, so a rerun or a second worker
/// the same day sends nothing new.
/// </summary>
public sealed class StaleColumnJob(
    IDbContextFactory<PortalDbContext> dbFactory,
    StaleColumnReport report,
    NotificationService notifications,
    TimeProvider clock)
{
    public const string NotificationKind = "StaleColumn";

    /// <summary>The report as of the end of <paramref name="day"/> in local time (a later item cannot exist yet when run for today).</summary>
    public DateTimeOffset EndOf(DateOnly day)
    {
        var endLocal = day.AddDays(1).ToDateTime(TimeOnly.MinValue);
        // In UTC: PostgreSQL stores timestamptz from offset-0 values only (the agency zone is +08:00).
        return new DateTimeOffset(endLocal, clock.LocalTimeZone.GetUtcOffset(endLocal)).ToUniversalTime();
    }

    /// <summary>Notifies for the stale columns as of the end of <paramref name="day"/>; returns how many columns were notified.</summary>
    public async Task<int> RunAsync(DateOnly day, CancellationToken cancellationToken = default)
    {
        var asOf = EndOf(day);
        var now = clock.GetUtcNow();

        var notified = 0;
        foreach (var column in await report.GetAsync(asOf, cancellationToken))
        {
            if (column.DepartmentId is not { } departmentId)
            {
                continue;
            }

            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var head = await db.Departments.Where(d => d.Id == departmentId).Select(d => d.HeadUserId).SingleOrDefaultAsync(cancellationToken);
            var recipients = (await notifications.UsersInRoleAsync(Roles.Officer, departmentId, cancellationToken)).ToList();
            if (head is { } headId)
            {
                recipients.Add(headId);
            }

            recipients = [.. recipients.Distinct()];
            db.StaleColumnNotices.Add(new StaleColumnNotice
            {
                ColumnId = column.ColumnId,
                Day = day,
                DepartmentId = departmentId,
                StaleSince = column.Since,
                Recipients = recipients.Count,
                SentAt = now,
            });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                continue; // already told today
            }

            await notifications.NotifyUsersAsync(recipients, NotificationKind,
                [column.Name, column.DaysWithoutUpdate.ToString(System.Globalization.CultureInfo.InvariantCulture)], "/office/columns/stale", cancellationToken);
            notified++;
        }

        return notified;
    }
}

/// <summary>The stale-column check as a daily periodic job (default 09:00 in Jobs:TimeZone) for the day it runs in.</summary>
public sealed class StaleColumnPeriodicJob(StaleColumnJob job) : Infrastructure.Jobs.DailyJob
{
    public override string Name => "stale-columns";

    public override string DefaultCron => "0 9 * * *";

    public override async Task<Infrastructure.Jobs.JobResult> RunAsync(Infrastructure.Jobs.JobPeriod period, CancellationToken cancellationToken) =>
        Infrastructure.Jobs.JobResult.Done(await job.RunAsync(period.FirstDay, cancellationToken));
}
