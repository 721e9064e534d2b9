using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Audit;
using InfoPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Features.Statistics;

/// <summary>
/// Reads the stored monthly snapshots for the dashboard, the API and the exports, and lets the
/// Assessor compute a month on demand. Who sees what: the Assessor, the leaders and the office
/// director see every department; a department head sees only their own department.
/// </summary>
public sealed class StatisticsService(
    IDbContextFactory<PortalDbContext> dbFactory,
    MonthlyStatisticsJob job,
    StatisticsCalendar calendar,
    AuditLog audit)
{
    public const int TrendMonths = 12;

    /// <summary>Null: every department; a value: only that one; throws for anybody else.</summary>
    public static int? VisibleDepartment(Actor actor)
    {
        if (actor.Has(Permissions.Statistics.ReadAll))
        {
            return null;
        }

        if (actor.Has(Permissions.Statistics.Read) && actor.DepartmentId is { } own)
        {
            return own;
        }

        throw new ForbiddenException("Statistics.Error.Forbidden");
    }

    public static bool CanRead(Actor actor) =>
        actor.Has(Permissions.Statistics.ReadAll) ||
        (actor.Has(Permissions.Statistics.Read) && actor.DepartmentId is not null);

    /// <summary>The stored month; <see cref="MonthlyReport.ComputedAt"/> is null when the month was never computed.</summary>
    public async Task<MonthlyReport> GetMonthAsync(Actor actor, int year, int month, int? departmentId = null, CancellationToken cancellationToken = default)
    {
        var visible = VisibleDepartment(actor);
        calendar.EnsureValidMonth(year, month);
        var department = Narrow(visible, departmentId);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var run = await db.MonthlyStatisticsRuns.AsNoTracking().SingleOrDefaultAsync(r => r.Year == year && r.Month == month, cancellationToken);
        if (run is null)
        {
            return new MonthlyReport(year, month, null, calendar.Zone.Id, [], []);
        }

        var departments = await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Name, cancellationToken);
        var columns = await db.Columns.AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
        var stats = await db.MonthlyStatistics.AsNoTracking()
            .Where(s => s.Year == year && s.Month == month && (department == null || s.DepartmentId == department))
            .ToListAsync(cancellationToken);
        var steps = await db.MonthlyStepStatistics.AsNoTracking()
            .Where(s => s.Year == year && s.Month == month && (department == null || s.DepartmentId == department))
            .ToListAsync(cancellationToken);
        var rows = stats.Where(s => s.ColumnId == MonthlyStatistics.AllColumns)
            .Select(s => DepartmentMonthRow.From(s, departments.GetValueOrDefault(s.DepartmentId, "#" + s.DepartmentId),
                [.. steps.Where(t => t.DepartmentId == s.DepartmentId).OrderBy(t => RoleOrder(t.Role)).Select(t => new StepRow(t.Role, t.Decisions, t.MedianHours, t.P90Hours, t.OverdueSteps))]))
            .OrderBy(r => r.DepartmentId)
            .ToList();
        var columnRows = stats.Where(s => s.ColumnId != MonthlyStatistics.AllColumns)
            .Select(s => new ColumnMonthRow(s.DepartmentId, departments.GetValueOrDefault(s.DepartmentId, ""), s.ColumnId, columns.GetValueOrDefault(s.ColumnId, "#" + s.ColumnId),
                s.Drafted, s.Submitted, s.Approved, s.Returned, s.Published, s.Timely, s.TimelinessRate, s.TakenDown, s.OverdueSteps))
            .OrderBy(r => r.DepartmentId).ThenBy(r => r.ColumnId)
            .ToList();
        return new MonthlyReport(year, month, run.ComputedAt, run.TimeZone, rows, columnRows);
    }

    /// <summary>The twelve months ending with the given one: published and timeliness, from the stored snapshots (one query).</summary>
    public async Task<IReadOnlyList<TrendPoint>> GetTrendAsync(Actor actor, int year, int month, int? departmentId = null, CancellationToken cancellationToken = default)
    {
        var visible = VisibleDepartment(actor);
        calendar.EnsureValidMonth(year, month);
        var department = Narrow(visible, departmentId);
        var last = (year * 12) + month - 1;
        var first = last - TrendMonths + 1;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var sums = await db.MonthlyStatistics.AsNoTracking()
            .Where(s => s.ColumnId == MonthlyStatistics.AllColumns && (s.Year * 12) + s.Month - 1 >= first && (s.Year * 12) + s.Month - 1 <= last)
            .Where(s => department == null || s.DepartmentId == department)
            .GroupBy(s => new { s.Year, s.Month })
            .Select(g => new { g.Key.Year, g.Key.Month, Published = g.Sum(s => s.Published), Timely = g.Sum(s => s.Timely) })
            .ToListAsync(cancellationToken);
        var computed = await db.MonthlyStatisticsRuns.AsNoTracking()
            .Where(r => (r.Year * 12) + r.Month - 1 >= first && (r.Year * 12) + r.Month - 1 <= last)
            .Select(r => new { r.Year, r.Month }).ToListAsync(cancellationToken);
        return [.. Enumerable.Range(first, TrendMonths).Select(i =>
        {
            var (y, m) = (i / 12, (i % 12) + 1);
            var sum = sums.FirstOrDefault(s => s.Year == y && s.Month == m);
            var isComputed = computed.Any(c => c.Year == y && c.Month == m);
            return new TrendPoint(y, m, isComputed, sum?.Published ?? 0, sum is { Published: > 0 } ? (double)sum.Timely / sum.Published : null);
        })];
    }

    /// <summary>"Compute now" for those who count (<see cref="StatisticsModule.Counters"/>): runs the monthly job for the month (replacing it), audited.</summary>
    public async Task<MonthlyStatisticsRunResult> ComputeAsync(Actor actor, int year, int month, CancellationToken cancellationToken = default)
    {
        if (!actor.Has(Permissions.Statistics.Adjust))
        {
            await audit.AppendAsync(actor, "StatisticsComputed", $"month:{year:D4}-{month:D2}", AuditOutcome.Refused, null, cancellationToken);
            throw new ForbiddenException("Statistics.Error.AssessorOnly");
        }

        var result = await job.RunAsync(year, month, cancellationToken);
        await audit.AppendAsync(actor, "StatisticsComputed", $"month:{year:D4}-{month:D2}", AuditOutcome.Success, $"{result.Rows} rows", cancellationToken);
        return result;
    }

    public async Task<IReadOnlyList<DepartmentOption>> DepartmentsAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        var visible = VisibleDepartment(actor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Departments.AsNoTracking().Where(d => visible == null || d.Id == visible)
            .OrderBy(d => d.Id).Select(d => new DepartmentOption(d.Id, d.Name)).ToListAsync(cancellationToken);
    }

    private static int? Narrow(int? visible, int? wanted)
    {
        if (visible is { } own)
        {
            if (wanted is { } other && other != own)
            {
                throw new ForbiddenException("Statistics.Error.OtherDepartment");
            }

            return own;
        }

        return wanted;
    }

    /// <summary>Chain order of the roles (the default county chain), so steps list in review order.</summary>
    public static int RoleOrder(string role) => role switch
    {
        Roles.DeptHead => 1,
        Roles.OfficeDirector => 2,
        Roles.SecrecyOfficer => 3,
        Roles.Leader => 4,
        Roles.PrincipalLeader => 5,
        _ => 9,
    };
}

public sealed record DepartmentOption(int Id, string Name);

/// <summary>What the monthly page, the API, the .xlsx and the monthly PDF show for one month.</summary>
public sealed record MonthlyReport(int Year, int Month, DateTimeOffset? ComputedAt, string TimeZone, IReadOnlyList<DepartmentMonthRow> Rows, IReadOnlyList<ColumnMonthRow> Columns)
{
    public bool IsComputed => ComputedAt is not null;
}

/// <summary>One department's month; the Messages* figures are the interaction column's (issue 6 part 4).</summary>
public sealed record DepartmentMonthRow(
    int DepartmentId, string DepartmentName, int Drafted, int Submitted, int Approved, int Returned, int Published,
    int Timely, double? TimelinessRate, int TakenDown, int OverdueSteps, IReadOnlyList<StepRow> Steps,
    int MessagesReceived, int MessagesAnswered, int MessagesAnsweredOnTime, int MessagesLate, double? MedianReplyHours)
{
    public static DepartmentMonthRow From(MonthlyStatistics s, string name, IReadOnlyList<StepRow> steps) =>
        new(s.DepartmentId, name, s.Drafted, s.Submitted, s.Approved, s.Returned, s.Published, s.Timely, s.TimelinessRate, s.TakenDown, s.OverdueSteps, steps,
            s.MessagesReceived, s.MessagesAnswered, s.MessagesAnsweredOnTime, s.MessagesLate, s.MedianReplyHours);
}

public sealed record StepRow(string Role, int Decisions, double MedianHours, double P90Hours, int OverdueSteps);

public sealed record ColumnMonthRow(
    int DepartmentId, string DepartmentName, int ColumnId, string ColumnName, int Drafted, int Submitted, int Approved, int Returned,
    int Published, int Timely, double? TimelinessRate, int TakenDown, int OverdueSteps);

public sealed record TrendPoint(int Year, int Month, bool Computed, int Published, double? TimelinessRate);
