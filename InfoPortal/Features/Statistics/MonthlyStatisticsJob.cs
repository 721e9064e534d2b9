using InfoPortal.Data;
using InfoPortal.Features.Interaction;
using InfoPortal.Features.Requests;
using InfoPortal.Features.Review;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.Options;

namespace InfoPortal.Features.Statistics;

/// <summary>
/// The monthly statistics job (1st of the month for the previous month). Every figure is counted
/// by the database (GROUP BY over indexed range scans); the month is the local month of
/// <see cref="StatisticsCalendar"/>. Idempotent: a rerun replaces that month's rows in one
/// transaction, never adds a second set.
/// <para>Definitions (all times as local month [start, end)):</para>
/// <list type="bullet">
/// <item>drafted = created in the month; submitted = latest submission in the month; approved =
/// last review step passed in the month; returned = return decisions in the month; published =
/// first publication in the month; taken down = taken down in the month;</item>
/// <item>timely = published in the month and the local publication date is no later than the event
/// date + 10 days (rules.md §1 第十条(一): "no later than 10 days"); timeliness rate = timely ÷ published;</item>
/// <item>review time of a step = decision time − the step's start (the submission, or the previous
/// step's approval), per chain role, median and p90 by linear interpolation (PostgreSQL
/// percentile_cont; the same formula in C# on SQLite over the month's durations, fetched sorted in
/// one query); overdue steps = decisions of the month whose step waited longer than Review:OverdueDays days.</item>
/// <item>interaction messages (department rows only): received in the month (local day of receipt),
/// answered, answered on time, late and median reply hours from <see cref="InteractionStatistics"/>.
/// "Answered" is the state when the job runs; "still open past the deadline" is judged on the
/// month's last day for a closed month, and on the run day for the current month. So the scheduled
/// run on the 1st freezes the month as it ended; a rerun later also counts the late replies given
/// since. Messages not yet assigned to a department are in no department's row.</item>
/// </list>
/// </summary>
public sealed class MonthlyStatisticsJob(
    IDbContextFactory<PortalDbContext> dbFactory,
    DatabaseSettings settings,
    StatisticsCalendar calendar,
    IOptions<ReviewOptions> reviewOptions,
    InteractionStatistics interaction)
{
    private static readonly DateTimeOffsetToBinaryConverter SqliteTime = new();

    public async Task<MonthlyStatisticsRunResult> RunAsync(int year, int month, CancellationToken cancellationToken = default)
    {
        calendar.EnsureValidMonth(year, month);
        var (start, end) = calendar.Month(year, month);
        var now = calendar.Clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = new Dictionary<(int Department, int Column), MonthlyStatistics>();
        MonthlyStatistics Row(int department, int column)
        {
            if (!rows.TryGetValue((department, column), out var row))
            {
                rows[(department, column)] = row = new MonthlyStatistics { Year = year, Month = month, DepartmentId = department, ColumnId = column, ComputedAt = now };
            }

            return row;
        }

        // Every department gets a total row, zeros included: a computed month with no activity is not an empty month.
        foreach (var department in await db.Departments.AsNoTracking().Select(d => d.Id).ToListAsync(cancellationToken))
        {
            Row(department, MonthlyStatistics.AllColumns);
        }

        async Task CountAsync(IQueryable<PublicationRequest> query, Action<MonthlyStatistics, int> set)
        {
            var byDepartment = await query.GroupBy(r => r.DepartmentId).Select(g => new { g.Key, N = g.Count() }).ToListAsync(cancellationToken);
            foreach (var g in byDepartment)
            {
                set(Row(g.Key, MonthlyStatistics.AllColumns), g.N);
            }

            var byColumn = await query.SelectMany(r => r.Columns, (r, c) => new { r.DepartmentId, c.ColumnId })
                .GroupBy(x => new { x.DepartmentId, x.ColumnId })
                .Select(g => new { g.Key.DepartmentId, g.Key.ColumnId, N = g.Count() })
                .ToListAsync(cancellationToken);
            foreach (var g in byColumn)
            {
                set(Row(g.DepartmentId, g.ColumnId), g.N);
            }
        }

        var requests = db.Requests.AsNoTracking();
        await CountAsync(requests.Where(r => r.CreatedAt >= start && r.CreatedAt < end), (row, n) => row.Drafted = n);
        await CountAsync(requests.Where(r => r.SubmittedAt >= start && r.SubmittedAt < end), (row, n) => row.Submitted = n);
        await CountAsync(requests.Where(r => r.ApprovedAt >= start && r.ApprovedAt < end), (row, n) => row.Approved = n);
        await CountAsync(requests.Where(r => r.PublishedAt >= start && r.PublishedAt < end), (row, n) => row.Published = n);
        await CountAsync(requests.Where(r => r.TakenDownAt >= start && r.TakenDownAt < end), (row, n) => row.TakenDown = n);
        await CountAsync(
            from d in db.Decisions.AsNoTracking()
            where d.Outcome == DecisionOutcome.Return && d.DecidedAt >= start && d.DecidedAt < end
            join r in requests on d.RequestId equals r.Id
            select r,
            (row, n) => row.Returned = n);

        var overdue = TimeSpan.FromDays(reviewOptions.Value.OverdueDays);
        foreach (var c in await TimelyAsync(db, start, end, cancellationToken))
        {
            Row(c.DepartmentId, c.ColumnId).Timely = (int)c.N;
        }

        foreach (var c in await OverdueAsync(db, start, end, overdue, cancellationToken))
        {
            Row(c.DepartmentId, c.ColumnId).OverdueSteps = (int)c.N;
        }

        var steps = await StepTimesAsync(db, start, end, overdue, cancellationToken);
        foreach (var s in steps)
        {
            (s.Year, s.Month) = (year, month);
            Row(s.DepartmentId, MonthlyStatistics.AllColumns);
        }

        foreach (var m in await interaction.MonthlyAsync(year, month, InteractionJudgingDay(year, month), cancellationToken))
        {
            if (m.DepartmentId is { } department)
            {
                var row = Row(department, MonthlyStatistics.AllColumns);
                (row.MessagesReceived, row.MessagesAnswered, row.MessagesAnsweredOnTime, row.MessagesLate, row.MedianReplyHours) =
                    (m.Received, m.Answered, m.AnsweredOnTime, m.Late, m.MedianReplyHours);
            }
        }

        // Replace the month's rows in one transaction: a rerun leaves exactly one set.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.MonthlyStatistics.Where(s => s.Year == year && s.Month == month).ExecuteDeleteAsync(cancellationToken);
        await db.MonthlyStepStatistics.Where(s => s.Year == year && s.Month == month).ExecuteDeleteAsync(cancellationToken);
        await db.MonthlyStatisticsRuns.Where(s => s.Year == year && s.Month == month).ExecuteDeleteAsync(cancellationToken);
        db.MonthlyStatistics.AddRange(rows.Values);
        db.MonthlyStepStatistics.AddRange(steps);
        db.MonthlyStatisticsRuns.Add(new MonthlyStatisticsRun { Year = year, Month = month, ComputedAt = now, TimeZone = calendar.Zone.Id });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new MonthlyStatisticsRunResult(year, month, rows.Count, steps.Count, now);
    }

    /// <summary>The day "open past the deadline" is judged on: the month's last day, or today while the month runs.</summary>
    public DateOnly InteractionJudgingDay(int year, int month)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(calendar.Clock.GetUtcNow(), calendar.Zone).DateTime);
        var last = new DateOnly(year, month, 1).AddMonths(1).AddDays(-1);
        return today < last ? today : last;
    }

    private Task<List<GroupCount>> TimelyAsync(PortalDbContext db, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        if (settings.Provider == DatabaseProvider.Postgres)
        {
            var zone = calendar.Zone.Id;
            return db.Database.SqlQuery<GroupCount>($"""
                SELECT r."DepartmentId", 0 AS "ColumnId", COUNT(*) AS "N" FROM "Requests" r
                WHERE r."PublishedAt" >= {start} AND r."PublishedAt" < {end} AND (r."PublishedAt" AT TIME ZONE {zone})::date <= r."EventDate" + 10
                GROUP BY r."DepartmentId"
                UNION ALL
                SELECT r."DepartmentId", c."ColumnId", COUNT(*) FROM "Requests" r JOIN "RequestColumns" c ON c."RequestId" = r."Id"
                WHERE r."PublishedAt" >= {start} AND r."PublishedAt" < {end} AND (r."PublishedAt" AT TIME ZONE {zone})::date <= r."EventDate" + 10
                GROUP BY r."DepartmentId", c."ColumnId"
                """).ToListAsync(cancellationToken);
        }

        // SQLite stores instants as EF's binary DateTimeOffset (UTC ticks/1000 << 11); the local date
        // uses the zone's offset at the month's start (exact for zones without daylight saving, such as Asia/Shanghai).
        var (s, e) = (Sqlite(start), Sqlite(end));
        var offsetSeconds = (long)calendar.Zone.GetUtcOffset(start).TotalSeconds;
        return db.Database.SqlQuery<GroupCount>($"""
            SELECT r.DepartmentId AS DepartmentId, 0 AS ColumnId, COUNT(*) AS N FROM Requests r
            WHERE r.PublishedAt >= {s} AND r.PublishedAt < {e}
              AND date(r.EventDate, '+10 days') >= date(((r.PublishedAt >> 11) - 621355968000000) / 10000 + {offsetSeconds}, 'unixepoch')
            GROUP BY r.DepartmentId
            UNION ALL
            SELECT r.DepartmentId, c.ColumnId, COUNT(*) FROM Requests r JOIN RequestColumns c ON c.RequestId = r.Id
            WHERE r.PublishedAt >= {s} AND r.PublishedAt < {e}
              AND date(r.EventDate, '+10 days') >= date(((r.PublishedAt >> 11) - 621355968000000) / 10000 + {offsetSeconds}, 'unixepoch')
            GROUP BY r.DepartmentId, c.ColumnId
            """).ToListAsync(cancellationToken);
    }

    private Task<List<GroupCount>> OverdueAsync(PortalDbContext db, DateTimeOffset start, DateTimeOffset end, TimeSpan overdue, CancellationToken cancellationToken)
    {
        if (settings.Provider == DatabaseProvider.Postgres)
        {
            return db.Database.SqlQuery<GroupCount>($"""
                SELECT r."DepartmentId", 0 AS "ColumnId", COUNT(*) AS "N" FROM "Decisions" d JOIN "Requests" r ON r."Id" = d."RequestId"
                WHERE d."DecidedAt" >= {start} AND d."DecidedAt" < {end} AND d."DecidedAt" - d."StepStartedAt" > {overdue}
                GROUP BY r."DepartmentId"
                UNION ALL
                SELECT r."DepartmentId", c."ColumnId", COUNT(*) FROM "Decisions" d JOIN "Requests" r ON r."Id" = d."RequestId" JOIN "RequestColumns" c ON c."RequestId" = r."Id"
                WHERE d."DecidedAt" >= {start} AND d."DecidedAt" < {end} AND d."DecidedAt" - d."StepStartedAt" > {overdue}
                GROUP BY r."DepartmentId", c."ColumnId"
                """).ToListAsync(cancellationToken);
        }

        var (s, e) = (Sqlite(start), Sqlite(end));
        var units = overdue.Ticks / 1000;
        return db.Database.SqlQuery<GroupCount>($"""
            SELECT r.DepartmentId AS DepartmentId, 0 AS ColumnId, COUNT(*) AS N FROM Decisions d JOIN Requests r ON r.Id = d.RequestId
            WHERE d.DecidedAt >= {s} AND d.DecidedAt < {e} AND (d.DecidedAt >> 11) - (d.StepStartedAt >> 11) > {units}
            GROUP BY r.DepartmentId
            UNION ALL
            SELECT r.DepartmentId, c.ColumnId, COUNT(*) FROM Decisions d JOIN Requests r ON r.Id = d.RequestId JOIN RequestColumns c ON c.RequestId = r.Id
            WHERE d.DecidedAt >= {s} AND d.DecidedAt < {e} AND (d.DecidedAt >> 11) - (d.StepStartedAt >> 11) > {units}
            GROUP BY r.DepartmentId, c.ColumnId
            """).ToListAsync(cancellationToken);
    }

    private async Task<List<MonthlyStepStatistics>> StepTimesAsync(PortalDbContext db, DateTimeOffset start, DateTimeOffset end, TimeSpan overdue, CancellationToken cancellationToken)
    {
        if (settings.Provider == DatabaseProvider.Postgres)
        {
            return await db.Database.SqlQuery<StepFigures>($"""
                SELECT r."DepartmentId", d."Role", COUNT(*)::int AS "Decisions",
                  percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM (d."DecidedAt" - d."StepStartedAt"))::double precision / 3600) AS "MedianHours",
                  percentile_cont(0.9) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM (d."DecidedAt" - d."StepStartedAt"))::double precision / 3600) AS "P90Hours",
                  (COUNT(*) FILTER (WHERE d."DecidedAt" - d."StepStartedAt" > {overdue}))::int AS "OverdueSteps"
                FROM "Decisions" d JOIN "Requests" r ON r."Id" = d."RequestId"
                WHERE d."DecidedAt" >= {start} AND d."DecidedAt" < {end} AND d."StepStartedAt" IS NOT NULL
                GROUP BY r."DepartmentId", d."Role"
                """).Select(f => new MonthlyStepStatistics
            {
                DepartmentId = f.DepartmentId,
                Role = f.Role,
                Decisions = f.Decisions,
                MedianHours = f.MedianHours,
                P90Hours = f.P90Hours,
                OverdueSteps = f.OverdueSteps,
            }).ToListAsync(cancellationToken);
        }

        // SQLite has no percentile function: the month's durations come back sorted in one query.
        var (s, e) = (Sqlite(start), Sqlite(end));
        var durations = await db.Database.SqlQuery<StepDuration>($"""
            SELECT r.DepartmentId AS DepartmentId, d.Role AS Role, ((d.DecidedAt >> 11) - (d.StepStartedAt >> 11)) / 36000000.0 AS Hours
            FROM Decisions d JOIN Requests r ON r.Id = d.RequestId
            WHERE d.DecidedAt >= {s} AND d.DecidedAt < {e} AND d.StepStartedAt IS NOT NULL
            ORDER BY r.DepartmentId, d.Role, Hours
            """).ToListAsync(cancellationToken);
        var overdueHours = overdue.TotalHours;
        return [.. durations.GroupBy(d => (d.DepartmentId, d.Role)).Select(g =>
        {
            var hours = g.Select(d => d.Hours).ToList();
            return new MonthlyStepStatistics
            {
                DepartmentId = g.Key.DepartmentId, Role = g.Key.Role, Decisions = hours.Count,
                MedianHours = Percentile(hours, 0.5), P90Hours = Percentile(hours, 0.9),
                OverdueSteps = hours.Count(h => h > overdueHours),
            };
        })];
    }

    /// <summary>percentile_cont over sorted values: linear interpolation between the two nearest ranks.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return 0;
        }

        var position = p * (sorted.Count - 1);
        var lower = (int)Math.Floor(position);
        var upper = (int)Math.Ceiling(position);
        return sorted[lower] + ((position - lower) * (sorted[upper] - sorted[lower]));
    }

    private static long Sqlite(DateTimeOffset value) => (long)SqliteTime.ConvertToProvider(value.ToUniversalTime())!;

    private sealed class GroupCount
    {
        public int DepartmentId { get; set; }

        public int ColumnId { get; set; }

        public long N { get; set; }
    }

    private sealed class StepDuration
    {
        public int DepartmentId { get; set; }

        public string Role { get; set; } = "";

        public double Hours { get; set; }
    }

    private sealed class StepFigures
    {
        public int DepartmentId { get; set; }

        public string Role { get; set; } = "";

        public int Decisions { get; set; }

        public double MedianHours { get; set; }

        public double P90Hours { get; set; }

        public int OverdueSteps { get; set; }
    }
}

public sealed record MonthlyStatisticsRunResult(int Year, int Month, int Rows, int StepRows, DateTimeOffset ComputedAt);
