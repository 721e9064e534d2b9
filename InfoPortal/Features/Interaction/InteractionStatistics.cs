using InfoPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Features.Interaction;

/// <summary>One department's messages of one month (by day of receipt). Department null = not yet assigned.</summary>
/// <summary>
/// One department's messages of one month (by day of receipt). Department null = not yet assigned.
/// <see cref="OpenOverdue"/>: not answered and past the deadline on the day asked about.
/// </summary>
public sealed record InteractionMonthRow(int? DepartmentId, string? Department, int Received, int Answered, int AnsweredOnTime, int OpenOverdue, double? MedianReplyHours)
{
    /// <summary>Answered after the deadline, for the annual assessment's "late reply" rule.</summary>
    public int AnsweredLate => Answered - AnsweredOnTime;

    /// <summary>Late replies for the assessment: answered late, or still open past the deadline.</summary>
    public int Late => AnsweredLate + OpenOverdue;
}

/// <summary>
/// The interaction figures for the monthly statistics (issue 6 part 4): per department, the
/// messages received in the month, how many of them are answered, answered on time (on or before
/// the deadline, extensions included) and the median time from receipt to the published reply.
/// Computed in one SQL query (window functions, the same text on SQLite and PostgreSQL). The
/// month is a cohort by day of receipt, so a closed month's figures only change while its late
/// messages are still being answered. Callers (the statistics snapshot job, the Assessor's pages)
/// check who may see the figures.
/// </summary>
public sealed class InteractionStatistics(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock)
{
    /// <param name="asOf">The day "still open past the deadline" is judged on (a snapshot passes its own day; default today).</param>
    public async Task<IReadOnlyList<InteractionMonthRow>> MonthlyAsync(int year, int month, DateOnly? asOf = null, CancellationToken cancellationToken = default)
    {
        var today = asOf ?? DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
        var from = new DateOnly(year, month, 1);
        var to = from.AddMonths(1);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Database.SqlQuery<Row>($"""
            WITH m AS (
                SELECT "DepartmentId" AS dept, "Status" AS status, "AnsweredOn" AS answered_on, "DueOn" AS due_on, "ReplyMinutes" AS minutes
                FROM "InteractionMessages"
                WHERE "ReceivedOn" >= {from} AND "ReceivedOn" < {to}
            ),
            ranked AS (
                SELECT dept, minutes,
                       ROW_NUMBER() OVER (PARTITION BY dept ORDER BY minutes) AS rn,
                       COUNT(*) OVER (PARTITION BY dept) AS n
                FROM m WHERE minutes IS NOT NULL
            ),
            med AS (
                SELECT dept, AVG(CAST(minutes AS DOUBLE PRECISION)) AS median
                FROM ranked WHERE rn = (n + 1) / 2 OR rn = (n + 2) / 2
                GROUP BY dept
            ),
            c AS (
                SELECT dept,
                       COUNT(*) AS received,
                       SUM(CASE WHEN status = 'Answered' THEN 1 ELSE 0 END) AS answered,
                       SUM(CASE WHEN status = 'Answered' AND answered_on <= due_on THEN 1 ELSE 0 END) AS on_time,
                       SUM(CASE WHEN status <> 'Answered' AND due_on < {today} THEN 1 ELSE 0 END) AS open_overdue
                FROM m GROUP BY dept
            )
            SELECT c.dept AS "DepartmentId", c.received AS "Received", c.answered AS "Answered", c.on_time AS "AnsweredOnTime", c.open_overdue AS "OpenOverdue", med.median AS "MedianReplyMinutes"
            FROM c LEFT JOIN med ON med.dept = c.dept
            """).ToListAsync(cancellationToken);

        var names = await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Name, cancellationToken);
        return [.. rows
            .Select(r => new InteractionMonthRow(r.DepartmentId, r.DepartmentId is { } id ? names.GetValueOrDefault(id) : null,
                (int)r.Received, (int)r.Answered, (int)r.AnsweredOnTime, (int)r.OpenOverdue, r.MedianReplyMinutes is { } minutes ? Math.Round(minutes / 60.0, 2) : null))
            .OrderBy(r => r.DepartmentId ?? int.MaxValue)];
    }

    private sealed record Row(int? DepartmentId, long Received, long Answered, long AnsweredOnTime, long OpenOverdue, double? MedianReplyMinutes);
}
