using System.Text.Json;
using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Audit;
using InfoPortal.Features.Notifications;
using InfoPortal.Features.Requests;
using InfoPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace InfoPortal.Features.Statistics;

public sealed class BulletinOptions
{
    public const string Section = "Bulletin";

    /// <summary>How many departments the bulletin names as best (表扬) and as lagging (通报批评).</summary>
    public int BestCount { get; set; } = 1;

    public int LaggingCount { get; set; } = 1;

    /// <summary>Items submitted plus published in the quarter below which a department is not named best or lagging (ADR 0026).</summary>
    public int MinActivity { get; set; } = 1;

    /// <summary>
    /// The office's information officer in whose name the bulletin is drafted and submitted (see
    /// ADR 0015). Empty: the bulletin is stored and notified, but no request is drafted.
    /// </summary>
    public string? OfficerUserName { get; set; }

    /// <summary>The internal-site column the bulletin goes to: by id, or else by name.</summary>
    public int? ColumnId { get; set; }

    public string ColumnName { get; set; } = "通报";
}

/// <summary>
/// 季度通报 (rules.md §2 第五章第一条): built from the quarter's three monthly snapshots (months not
/// yet computed are computed first). Departments are ranked by published items, then
/// timeliness rate, then fewer takedowns, then fewer returns; best and lagging follow
/// <see cref="FairRanking"/> (ties named as ties, nobody from an empty or all-equal quarter).
/// Idempotent: a rerun replaces the stored bulletin; department heads are notified only the first time.
/// </summary>
public sealed class QuarterlyBulletinJob(
    IDbContextFactory<PortalDbContext> dbFactory,
    MonthlyStatisticsJob monthly,
    StatisticsCalendar calendar,
    NotificationService notifications,
    RequestService requests,
    IStringLocalizer<SharedResource> L,
    IOptions<BulletinOptions> options,
    ILogger<QuarterlyBulletinJob> logger)
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
                MessagesReceived = g.Sum(s => s.MessagesReceived),
                MessagesLate = g.Sum(s => s.MessagesLate),
            })
            .ToListAsync(cancellationToken);
        var names = await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Name, cancellationToken);
        var ordered = sums
            .Select(s => new { s, Rate = s.Published == 0 ? (double?)null : (double)s.Timely / s.Published })
            .OrderByDescending(x => x.s.Published).ThenByDescending(x => x.Rate ?? -1).ThenBy(x => x.s.TakenDown).ThenBy(x => x.s.Returned).ThenBy(x => x.s.DepartmentId)
            .ToList();
        // ADR 0026: ties share a rank, only departments that submitted or published something are
        // named, and an all-equal or empty quarter names nobody.
        var ranking = FairRanking.Rank(ordered, x => (x.s.Published, x.Rate, x.s.TakenDown, x.s.Returned),
            x => x.s.Submitted + x.s.Published >= Math.Max(1, options.Value.MinActivity), options.Value.BestCount, options.Value.LaggingCount);
        var rows = ordered.Select((x, i) => new BulletinDepartmentRow(ranking.Ranks[i], x.s.DepartmentId, names.GetValueOrDefault(x.s.DepartmentId, ""),
            x.s.Submitted, x.s.Approved, x.s.Returned, x.s.Published, x.s.Timely, x.Rate, x.s.TakenDown, x.s.MessagesReceived, x.s.MessagesLate)).ToList();
        var best = rows.Where(r => ranking.Best.Any(b => b.s.DepartmentId == r.DepartmentId)).ToList();
        var lagging = rows.Where(r => ranking.Lagging.Any(l => l.s.DepartmentId == r.DepartmentId)).ToList();

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
        var stored = existing ?? db.QuarterlyBulletins.Add(new QuarterlyBulletin { Year = year, Quarter = quarter }).Entity;
        stored.ComputedAt = now;
        stored.ReportJson = JsonSerializer.Serialize(report, Json);
        await db.SaveChangesAsync(cancellationToken);
        stored.RequestId = await DraftRequestAsync(db, stored.RequestId, report, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        if (existing is null)
        {
            await notifications.NotifyRoleAsync(Roles.DeptHead, null, "Bulletin", [$"{year}", $"{quarter}"], $"/office/bulletins/{year}/{quarter}", cancellationToken);
        }

        return report with { RequestId = stored.RequestId };
    }

    /// <summary>
    /// Drafts the bulletin as a request of the configured office officer in the internal bulletin
    /// column and submits it into the normal review chain (the office director signs it). On a
    /// rerun a request still in Draft or Returned gets the new text and is (re)submitted; one
    /// already in review or further is left alone. Failures (no officer, no column, screening)
    /// leave the stored bulletin in place and are logged.
    /// </summary>
    private async Task<int?> DraftRequestAsync(PortalDbContext db, int? requestId, BulletinReport report, CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (string.IsNullOrWhiteSpace(o.OfficerUserName))
        {
            logger.LogInformation("Bulletin {Year}Q{Quarter}: Bulletin:OfficerUserName is not set, no request drafted", report.Year, report.Quarter);
            return requestId;
        }

        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.UserName == o.OfficerUserName, cancellationToken);
        var roles = user is null ? [] : await db.UserRoles.Where(r => r.UserId == user.Id).Join(db.Roles, r => r.RoleId, r => r.Id, (_, r) => r.Name!).ToListAsync(cancellationToken);
        var column = o.ColumnId is { } id
            ? await db.Columns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id && c.Site == Columns.Site.Internal, cancellationToken)
            : await db.Columns.AsNoTracking().Where(c => c.Site == Columns.Site.Internal && c.Name == o.ColumnName).OrderBy(c => c.Id).FirstOrDefaultAsync(cancellationToken);
        if (user is null || !roles.Contains(Roles.Officer) || column is null)
        {
            logger.LogWarning("Bulletin {Year}Q{Quarter}: officer {Officer} (an Officer) or internal column {Column} not found, no request drafted",
                report.Year, report.Quarter, o.OfficerUserName, o.ColumnId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? o.ColumnName);
            return requestId;
        }

        var officer = new Actor(user.Id, user.UserName!, user.DisplayName, user.DepartmentId, roles.ToHashSet(StringComparer.Ordinal), null);
        var (title, body) = Render(report);
        var quarterEnd = new DateOnly(report.Year, report.Quarter * 3, 1).AddMonths(1).AddDays(-1);
        var input = new RequestInput(title, [column.Id], ContentKind.Text, body, L["Bulletin.Source"], Importance.Normal, quarterEnd, true);
        try
        {
            if (requestId is { } existing)
            {
                var current = await db.Requests.AsNoTracking().Where(r => r.Id == existing).Select(r => new { r.Status, r.Version }).SingleOrDefaultAsync(cancellationToken);
                if (current is { Status: RequestStatus.Draft or RequestStatus.Returned })
                {
                    var updated = await requests.UpdateAsync(officer, existing, input, current.Version, cancellationToken);
                    await requests.SubmitAsync(officer, existing, updated.Version, cancellationToken);
                }

                if (current is not null)
                {
                    return existing;
                }
            }

            var created = await requests.CreateAsync(officer, input, cancellationToken);
            requestId = created.Id;
            await requests.SubmitAsync(officer, created.Id, created.Version, cancellationToken);
        }
        catch (PortalException e)
        {
            logger.LogWarning(e, "Bulletin {Year}Q{Quarter}: the request could not be drafted or submitted", report.Year, report.Quarter);
        }

        return requestId;
    }

    /// <summary>The bulletin's text for the request, in the agency's language (zh-CN).</summary>
    private (string Title, string BodyHtml) Render(BulletinReport report)
    {
        var previous = System.Globalization.CultureInfo.CurrentUICulture;
        System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo("zh-CN");
        try
        {
            static string E(string text) => System.Net.WebUtility.HtmlEncode(text);
            var html = new System.Text.StringBuilder();
            html.Append("<p>").Append(E(L["Bulletin.Intro", report.Year, report.Quarter, string.Join("、", report.Months)])).Append("</p>");
            html.Append("<table><thead><tr>");
            foreach (var key in new[] { "Bulletin.Rank", "Statistics.Department", "Statistics.Submitted", "Statistics.Returned", "Statistics.Published", "Statistics.TimelinessRate", "Statistics.TakenDown", "Statistics.MessagesReceived", "Statistics.MessagesLate" })
            {
                html.Append("<th>").Append(E(L[key])).Append("</th>");
            }

            html.Append("</tr></thead><tbody>");
            foreach (var d in report.Departments)
            {
                html.Append(System.Globalization.CultureInfo.InvariantCulture, $"<tr><td>{d.Rank}</td><td>{E(d.DepartmentName)}</td><td>{d.Submitted}</td><td>{d.Returned}</td><td>{d.Published}</td><td>{(d.TimelinessRate is { } r ? r.ToString("P0", System.Globalization.CultureInfo.InvariantCulture) : "—")}</td><td>{d.TakenDown}</td><td>{d.MessagesReceived}</td><td>{d.MessagesLate}</td></tr>");
            }

            html.Append("</tbody></table>");
            html.Append("<p>").Append(E(L["Bulletin.Best", string.Join("、", report.Best)])).Append("</p>");
            html.Append("<p>").Append(E(L["Bulletin.Lagging", string.Join("、", report.Lagging)])).Append("</p>");
            if (report.Takedowns.Count > 0)
            {
                html.Append("<p>").Append(E(L["Bulletin.Takedowns"])).Append("</p><ul>");
                foreach (var t in report.Takedowns)
                {
                    html.Append("<li>").Append(E($"{t.Title}（{t.DepartmentName}）：{t.Reason}")).Append("</li>");
                }

                html.Append("</ul>");
            }

            return (L["Bulletin.RequestTitle", report.Year, report.Quarter], html.ToString());
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentUICulture = previous;
        }
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
        return stored is null ? null : JsonSerializer.Deserialize<BulletinReport>(stored.ReportJson, QuarterlyBulletinJob.Json)! with { RequestId = stored.RequestId };
    }

    public async Task<BulletinReport> ComputeAsync(Actor actor, int year, int quarter, CancellationToken cancellationToken = default)
    {
        if (!actor.Has(Permissions.Statistics.Adjust))
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
    IReadOnlyList<BulletinTakedown> Takedowns)
{
    /// <summary>The draft request that carries the bulletin through the review chain, once drafted.</summary>
    public int? RequestId { get; init; }
}

/// <summary>One department's quarter; the message figures (interaction column) are the monthly snapshots' sums, 0 in bulletins stored before they existed.</summary>
public sealed record BulletinDepartmentRow(int Rank, int DepartmentId, string DepartmentName, int Submitted, int Approved, int Returned, int Published, int Timely, double? TimelinessRate, int TakenDown,
    int MessagesReceived = 0, int MessagesLate = 0);

public sealed record BulletinTakedown(int RequestId, string Title, string DepartmentName, DateTimeOffset At, string Reason, string By);
