using System.Text.Json;
using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Features.Audit;
using InfoPortal.Features.Notifications;
using InfoPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InfoPortal.Features.Statistics;

public sealed class BulletinOptions
{
    public const string Section = "Bulletin";

    /// <summary>How many departments the bulletin names as best (表扬) and as lagging (通报批评).</summary>
    public int BestCount { get; set; } = 1;

    public int LaggingCount { get; set; } = 1;
}

/// <summary>
/// 季度通报 (rules.md §2 第五章第一条): built from the quarter's three monthly snapshots (months not
/// yet computed are computed first). Departments are ranked by published items, then
/// timeliness rate, then fewer takedowns, then fewer returns; the first <c>Bulletin:BestCount</c>
/// are the best, the last <c>Bulletin:LaggingCount</c> the lagging (a department is never both).
/// Idempotent: a rerun replaces the stored bulletin; department heads are notified only the first time.
/// </summary>
public sealed class QuarterlyBulletinJob(
    IDbContextFactory<PortalDbContext> dbFactory,
    MonthlyStatisticsJob monthly,
    StatisticsCalendar calendar,
    NotificationService notifications,
    IOptions<BulletinOptions> options)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<BulletinReport> RunAsync(int year, int quarter, CancellationToken cancellationToken = default)
    {
        if (quarter is < 1 or > 4)
        {
            throw ValidationFailedException.For("quarter", "Statistics.Error.BadQuarter");
        }

        // A quarter still under way (the Assessor's preview) covers the months that have begun; the
        // scheduled run on the first day of a quarter always sees all three.
        var (currentYear, currentMonth) = calendar.CurrentMonth();
        var months = Enumerable.Range(((quarter - 1) * 3) + 1, 3).Where(m => (year * 12) + m <= (currentYear * 12) + currentMonth).ToList();
        if (year < 2000 || months.Count == 0)
        {
            throw ValidationFailedException.For("quarter", "Statistics.Error.BadQuarter");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        foreach (var month in months)
        {
            if (!await db.MonthlyStatisticsRuns.AnyAsync(r => r.Year == year && r.Month == month, cancellationToken))
            {
                await monthly.RunAsync(year, month, cancellationToken);
            }
        }

        var sums = await db.MonthlyStatistics.AsNoTracking()
            .Where(s => s.Year == year && months.Contains(s.Month) && s.ColumnId == MonthlyStatistics.AllColumns)
            .GroupBy(s => s.DepartmentId)
            .Select(g => new
            {
                DepartmentId = g.Key,
                Submitted = g.Sum(s => s.Submitted),
                Approved = g.Sum(s => s.Approved),
                Returned = g.Sum(s => s.Returned),
                Published = g.Sum(s => s.Published),
                Timely = g.Sum(s => s.Timely),
                TakenDown = g.Sum(s => s.TakenDown),
            })
            .ToListAsync(cancellationToken);
        var names = await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Name, cancellationToken);
        var ordered = sums
            .Select(s => new { s, Rate = s.Published == 0 ? (double?)null : (double)s.Timely / s.Published })
            .OrderByDescending(x => x.s.Published).ThenByDescending(x => x.Rate ?? -1).ThenBy(x => x.s.TakenDown).ThenBy(x => x.s.Returned).ThenBy(x => x.s.DepartmentId)
            .ToList();
        var rows = ordered.Select((x, i) => new BulletinDepartmentRow(i + 1, x.s.DepartmentId, names.GetValueOrDefault(x.s.DepartmentId, ""),
            x.s.Submitted, x.s.Approved, x.s.Returned, x.s.Published, x.s.Timely, x.Rate, x.s.TakenDown)).ToList();
        var best = rows.Take(Math.Min(options.Value.BestCount, rows.Count / 2 + (rows.Count % 2))).ToList();
        var lagging = rows.Skip(best.Count).TakeLast(Math.Min(options.Value.LaggingCount, rows.Count - best.Count)).ToList();

        var (start, _) = calendar.Month(year, months[0]);
        var (_, end) = calendar.Month(year, months[^1]);
        var takedowns = await (
            from t in db.Takedowns.AsNoTracking()
            where t.At >= start && t.At < end
            join r in db.Requests on t.RequestId equals r.Id
            select new { t.RequestId, r.Title, r.DepartmentId, t.At, t.Reason, t.ActorName })
            .ToListAsync(cancellationToken);
        var now = calendar.Clock.GetUtcNow();
        var report = new BulletinReport(year, quarter, months, now, calendar.Zone.Id, rows, [.. best.Select(b => b.DepartmentName)], [.. lagging.Select(l => l.DepartmentName)],
            [.. takedowns.OrderBy(t => t.At).Select(t => new BulletinTakedown(t.RequestId, t.Title, names.GetValueOrDefault(t.DepartmentId, ""), t.At, t.Reason, t.ActorName))]);

        var existing = await db.QuarterlyBulletins.SingleOrDefaultAsync(b => b.Year == year && b.Quarter == quarter, cancellationToken);
        if (existing is null)
        {
            db.QuarterlyBulletins.Add(new QuarterlyBulletin { Year = year, Quarter = quarter, ComputedAt = now, ReportJson = JsonSerializer.Serialize(report, Json) });
        }
        else
        {
            existing.ComputedAt = now;
            existing.ReportJson = JsonSerializer.Serialize(report, Json);
        }

        await db.SaveChangesAsync(cancellationToken);
        if (existing is null)
        {
            await notifications.NotifyRoleAsync(Roles.DeptHead, null, "Bulletin", [$"{year}", $"{quarter}"], $"/office/bulletins/{year}/{quarter}", cancellationToken);
        }

        return report;
    }
}

/// <summary>Reading bulletins, and "compute now" for the Assessor.</summary>
public sealed class BulletinService(IDbContextFactory<PortalDbContext> dbFactory, QuarterlyBulletinJob job, AuditLog audit)
{
    public async Task<IReadOnlyList<(int Year, int Quarter)>> ListAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        StatisticsService.VisibleDepartment(actor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var list = await db.QuarterlyBulletins.AsNoTracking().OrderByDescending(b => b.Year).ThenByDescending(b => b.Quarter)
            .Select(b => new { b.Year, b.Quarter }).ToListAsync(cancellationToken);
        return [.. list.Select(b => (b.Year, b.Quarter))];
    }

    /// <summary>The bulletin is circulated to every department: anybody who may read statistics may read it whole.</summary>
    public async Task<BulletinReport?> GetAsync(Actor actor, int year, int quarter, CancellationToken cancellationToken = default)
    {
        StatisticsService.VisibleDepartment(actor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var stored = await db.QuarterlyBulletins.AsNoTracking().SingleOrDefaultAsync(b => b.Year == year && b.Quarter == quarter, cancellationToken);
        return stored is null ? null : JsonSerializer.Deserialize<BulletinReport>(stored.ReportJson, QuarterlyBulletinJob.Json);
    }

    public async Task<BulletinReport> ComputeAsync(Actor actor, int year, int quarter, CancellationToken cancellationToken = default)
    {
        if (!actor.IsInRole(Roles.Assessor))
        {
            throw new ForbiddenException("Statistics.Error.AssessorOnly");
        }

        var report = await job.RunAsync(year, quarter, cancellationToken);
        await audit.AppendAsync(actor, "BulletinComputed", $"quarter:{year}Q{quarter}", AuditOutcome.Success, null, cancellationToken);
        return report;
    }
}

/// <summary>What the bulletin page and the bulletin PDF show.</summary>
public sealed record BulletinReport(
    int Year, int Quarter, IReadOnlyList<int> Months, DateTimeOffset ComputedAt, string TimeZone,
    IReadOnlyList<BulletinDepartmentRow> Departments, IReadOnlyList<string> Best, IReadOnlyList<string> Lagging,
    IReadOnlyList<BulletinTakedown> Takedowns);

public sealed record BulletinDepartmentRow(int Rank, int DepartmentId, string DepartmentName, int Submitted, int Approved, int Returned, int Published, int Timely, double? TimelinessRate, int TakenDown);

public sealed record BulletinTakedown(int RequestId, string Title, string DepartmentName, DateTimeOffset At, string Reason, string By);
