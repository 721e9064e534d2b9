using System.Text.Json;
using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Audit;
using InfoPortal.Features.Interaction;
using InfoPortal.Features.Requests;
using InfoPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InfoPortal.Features.Statistics;

/// <summary>
/// <c>Assessment:Points:*</c> — the scoring rules of the annual assessment (rules.md §1 第十五、十六条,
/// §2 第五章). Penalties are written as negative numbers. Every rule is scored: the stale-column
/// rule (§1 第十六条 栏目长期未更新) counts each time one of the department's columns went stale in
/// the year, from the daily stale-column job's notices (ADR 0051).
/// </summary>
public sealed class AssessmentOptions
{
    public const string Section = "Assessment";

    public AssessmentPoints Points { get; set; } = new();

    /// <summary>How many departments the commendation list names (from the top).</summary>
    public int CommendCount { get; set; } = 1;

    /// <summary>How many departments the criticism list names (from the bottom).</summary>
    public int CriticiseCount { get; set; } = 1;

    /// <summary>Items published plus messages answered in the year below which a department is neither commended nor criticised (ADR 0026).</summary>
    public int MinActivity { get; set; } = 1;
}

public sealed class AssessmentPoints
{
    public decimal Published { get; set; } = 1m;

    public decimal Timely { get; set; } = 0.5m;

    public decimal UsedByHigherAuthorities { get; set; } = 3m;

    /// <summary>Per return decision (an item sent back for errors).</summary>
    public decimal Returned { get; set; } = -1m;

    public decimal TakenDown { get; set; } = -5m;

    /// <summary>Per interaction message answered late or still open past its deadline (issue 6 part 4).</summary>
    public decimal LateReply { get; set; } = -1m;

    /// <summary>Per interaction message answered on time; 0 switches the rule off.</summary>
    public decimal OnTimeReply { get; set; }

    /// <summary>Per time one of the department's columns went stale in the year (§1 第十六条, ADR 0051).</summary>
    public decimal StaleColumn { get; set; } = -2m;
}

/// <summary>
/// The annual assessment draft (2 January, for the previous year): the year's figures per
/// department from the twelve monthly snapshots (computing missing months first) plus the items
/// used by higher authorities, scored with the configured points. A rerun replaces the computed
/// scores and keeps the Assessor's adjustments.
/// </summary>
public sealed class AnnualAssessmentJob(
    IDbContextFactory<PortalDbContext> dbFactory,
    MonthlyStatisticsJob monthly,
    StatisticsCalendar calendar,
    IOptions<AssessmentOptions> options,
    InteractionStatistics interaction)
{
    public async Task<int> RunAsync(int year, CancellationToken cancellationToken = default)
    {
        var (currentYear, currentMonth) = calendar.CurrentMonth();
        if (year < 2000 || year > currentYear)
        {
            throw ValidationFailedException.For("year", "Statistics.Error.BadYear");
        }

        var lastMonth = year == currentYear ? currentMonth : 12;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        for (var month = 1; month <= lastMonth; month++)
        {
            if (!await db.MonthlyStatisticsRuns.AnyAsync(r => r.Year == year && r.Month == month, cancellationToken))
            {
                await monthly.RunAsync(year, month, cancellationToken);
            }
        }

        var sums = await db.MonthlyStatistics.AsNoTracking()
            .Where(s => s.Year == year && s.ColumnId == MonthlyStatistics.AllColumns)
            .GroupBy(s => s.DepartmentId)
            .Select(g => new { DepartmentId = g.Key, Published = g.Sum(s => s.Published), Timely = g.Sum(s => s.Timely), Returned = g.Sum(s => s.Returned), TakenDown = g.Sum(s => s.TakenDown) })
            .ToListAsync(cancellationToken);

        // The late-reply rule judges the year's messages on the day the assessment runs, not from the
        // monthly snapshots: a snapshot freezes its month as it ended, so a message received late in
        // a month and left unanswered past a deadline in the next month would never count as late.
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(calendar.Clock.GetUtcNow(), calendar.Zone).DateTime);
        var replies = new Dictionary<int, (int Late, int OnTime)>();
        for (var month = 1; month <= lastMonth; month++)
        {
            foreach (var m in await interaction.MonthlyAsync(year, month, today, cancellationToken))
            {
                if (m.DepartmentId is { } department)
                {
                    var (late, onTime) = replies.GetValueOrDefault(department);
                    replies[department] = (late + m.Late, onTime + m.AnsweredOnTime);
                }
            }
        }

        var (start, _) = calendar.Month(year, 1);
        var (_, end) = calendar.Month(year, 12);
        var used = await db.Requests.AsNoTracking()
            .Where(r => r.UsedByHigherAuthorities && r.PublishedAt >= start && r.PublishedAt < end)
            .GroupBy(r => r.DepartmentId).Select(g => new { g.Key, N = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.N, cancellationToken);
        // §1 第十六条 栏目长期未更新: each stale spell of a department's column (one per column and
        // start of silence) that the daily job noticed in the year counts once.
        var firstDay = new DateOnly(year, 1, 1);
        var lastDay = new DateOnly(year, 12, 31);
        var stale = (await db.StaleColumnNotices.AsNoTracking()
                .Where(n => n.Day >= firstDay && n.Day <= lastDay && n.DepartmentId != null)
                .Select(n => new { n.DepartmentId, n.ColumnId, n.StaleSince })
                .ToListAsync(cancellationToken))
            .DistinctBy(n => (n.ColumnId, n.StaleSince))
            .GroupBy(n => n.DepartmentId!.Value)
            .ToDictionary(g => g.Key, g => g.Count());
        foreach (var department in stale.Keys.Where(d => sums.All(s => s.DepartmentId != d)).ToList())
        {
            sums.Add(new { DepartmentId = department, Published = 0, Timely = 0, Returned = 0, TakenDown = 0 });
        }

        var points = options.Value.Points;
        var scores = sums.Select(s =>
        {
            var usedCount = used.GetValueOrDefault(s.DepartmentId);
            var staleColumns = stale.GetValueOrDefault(s.DepartmentId);
            var (lateReplies, onTimeReplies) = replies.GetValueOrDefault(s.DepartmentId);
            return new AssessmentScore
            {
                Year = year,
                DepartmentId = s.DepartmentId,
                Published = s.Published,
                Timely = s.Timely,
                UsedByHigherAuthorities = usedCount,
                Returned = s.Returned,
                TakenDown = s.TakenDown,
                LateReplies = lateReplies,
                OnTimeReplies = onTimeReplies,
                StaleColumns = staleColumns,
                Points = (s.Published * points.Published) + (s.Timely * points.Timely) + (usedCount * points.UsedByHigherAuthorities)
                    + (s.Returned * points.Returned) + (s.TakenDown * points.TakenDown)
                    + (lateReplies * points.LateReply) + (onTimeReplies * points.OnTimeReply) + (staleColumns * points.StaleColumn),
            };
        }).ToList();

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.AssessmentScores.Where(s => s.Year == year).ExecuteDeleteAsync(cancellationToken);
        await db.AnnualAssessments.Where(a => a.Year == year).ExecuteDeleteAsync(cancellationToken);
        db.AssessmentScores.AddRange(scores);
        db.AnnualAssessments.Add(new AnnualAssessment { Year = year, ComputedAt = calendar.Clock.GetUtcNow(), RulesJson = JsonSerializer.Serialize(points) });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return scores.Count;
    }
}

/// <summary>Reading the assessment, the Assessor's adjustments, and the "used by higher authorities" flag.</summary>
public sealed class AssessmentService(
    IDbContextFactory<PortalDbContext> dbFactory,
    AnnualAssessmentJob job,
    AuditLog audit,
    TimeProvider clock,
    IOptions<AssessmentOptions> options,
    StatisticsCalendar calendar)
{
    public const int MaxReasonLength = 2000;

    public static bool CanRead(Actor actor) => actor.Has(Permissions.Statistics.ReadAssessment);

    public async Task<AssessmentReport?> GetAsync(Actor actor, int year, CancellationToken cancellationToken = default)
    {
        if (!CanRead(actor))
        {
            throw new ForbiddenException("Statistics.Error.Forbidden");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var run = await db.AnnualAssessments.AsNoTracking().SingleOrDefaultAsync(a => a.Year == year, cancellationToken);
        if (run is null)
        {
            return null;
        }

        var names = await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Name, cancellationToken);
        var scores = await db.AssessmentScores.AsNoTracking().Where(s => s.Year == year).ToListAsync(cancellationToken);
        var adjustments = await db.AssessmentAdjustments.AsNoTracking().Where(a => a.Year == year).OrderBy(a => a.Id).ToListAsync(cancellationToken);
        var ordered = scores
            .Select(s =>
            {
                var own = adjustments.Where(a => a.DepartmentId == s.DepartmentId).Select(a => new AdjustmentLine(a.Points, a.Reason, a.ByName, a.At)).ToList();
                return new { s, own, Total = s.Points + own.Sum(a => a.Points) };
            })
            .OrderByDescending(x => x.Total).ThenBy(x => x.s.DepartmentId)
            .ToList();

        // ADR 0026: equal totals share a rank; a department that published nothing and answered no
        // message is neither commended nor criticised; an all-equal or empty year names nobody.
        var ranking = FairRanking.Rank(ordered, x => x.Total,
            x => x.s.Published + x.s.LateReplies + x.s.OnTimeReplies >= Math.Max(1, options.Value.MinActivity), options.Value.CommendCount, options.Value.CriticiseCount);
        var rows = ordered
            .Select((x, i) => new AssessmentRow(ranking.Ranks[i], x.s.DepartmentId, names.GetValueOrDefault(x.s.DepartmentId, ""), x.s.Published, x.s.Timely,
                x.s.UsedByHigherAuthorities, x.s.Returned, x.s.TakenDown, x.s.LateReplies, x.s.OnTimeReplies, x.s.Points, x.own, x.Total) { StaleColumns = x.s.StaleColumns })
            .ToList();
        var commend = rows.Where(r => ranking.Best.Any(b => b.s.DepartmentId == r.DepartmentId)).ToList();
        var criticise = rows.Where(r => ranking.Lagging.Any(l => l.s.DepartmentId == r.DepartmentId)).ToList();
        var points = JsonSerializer.Deserialize<AssessmentPoints>(run.RulesJson) ?? new AssessmentPoints();
        var individuals = await IndividualsAsync(db, year, points, cancellationToken);
        return new AssessmentReport(year, run.ComputedAt, points, rows, [.. commend.Select(c => c.DepartmentName)], [.. criticise.Select(c => c.DepartmentName)], [])
        {
            CommendedRows = commend,
            CriticisedRows = criticise,
            Individuals = individuals.Rows,
            CommendedIndividuals = individuals.Commended,
        };
    }

    /// <summary>
    /// 表彰…个人 (§2 第五章): officers scored on their own items of the year — published, used by
    /// higher authorities, returned, taken down — with the department rule's points, ranked by the
    /// same fair rule (ADR 0026, 0051): ties share a rank, someone with nothing published is not
    /// commended, an all-equal year names nobody. Individuals are commended, never criticised by name.
    /// </summary>
    private async Task<(IReadOnlyList<IndividualRow> Rows, IReadOnlyList<IndividualRow> Commended)> IndividualsAsync(PortalDbContext db, int year, AssessmentPoints points, CancellationToken cancellationToken)
    {
        var (start, end) = (calendar.Month(year, 1).Start, calendar.Month(year, 12).End);
        var published = await db.Requests.AsNoTracking().Where(r => r.PublishedAt >= start && r.PublishedAt < end)
            .GroupBy(r => r.OfficerId)
            .Select(g => new { OfficerId = g.Key, Published = g.Count(), Used = g.Count(r => r.UsedByHigherAuthorities), TakenDown = g.Count(r => r.TakenDownAt != null) })
            .ToListAsync(cancellationToken);
        var returned = await db.Decisions.AsNoTracking().Where(d => d.Outcome == DecisionOutcome.Return && d.DecidedAt >= start && d.DecidedAt < end)
            .Join(db.Requests, d => d.RequestId, r => r.Id, (d, r) => r.OfficerId)
            .GroupBy(o => o).Select(g => new { OfficerId = g.Key, N = g.Count() })
            .ToDictionaryAsync(g => g.OfficerId, g => g.N, cancellationToken);
        var ids = published.Select(p => p.OfficerId).Union(returned.Keys).ToList();
        var people = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).Select(u => new { u.Id, u.DisplayName, u.DepartmentId }).ToListAsync(cancellationToken);
        var departments = await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Name, cancellationToken);
        var ordered = people.Select(u =>
            {
                var p = published.SingleOrDefault(x => x.OfficerId == u.Id);
                var r = returned.GetValueOrDefault(u.Id);
                var score = ((p?.Published ?? 0) * points.Published) + ((p?.Used ?? 0) * points.UsedByHigherAuthorities) + (r * points.Returned) + ((p?.TakenDown ?? 0) * points.TakenDown);
                return new IndividualRow(0, u.Id, u.DisplayName, u.DepartmentId is { } d ? departments.GetValueOrDefault(d, "") : "", p?.Published ?? 0, p?.Used ?? 0, r, p?.TakenDown ?? 0, score);
            })
            .OrderByDescending(x => x.Points).ThenBy(x => x.UserId)
            .ToList();
        var ranking = FairRanking.Rank(ordered, x => x.Points, x => x.Published >= 1, options.Value.CommendCount, 0);
        var rows = ordered.Select((x, i) => x with { Rank = ranking.Ranks[i] }).ToList();
        return (rows, [.. rows.Where(r => ranking.Best.Any(b => b.UserId == r.UserId))]);
    }

    public async Task<int> ComputeAsync(Actor actor, int year, CancellationToken cancellationToken = default)
    {
        EnsureAssessor(actor);
        var count = await job.RunAsync(year, cancellationToken);
        await audit.AppendAsync(actor, "AssessmentComputed", $"year:{year}", AuditOutcome.Success, null, cancellationToken);
        return count;
    }

    /// <summary>Adds a written adjustment to a department's score: Assessor only, reason required, audited.</summary>
    public async Task AdjustAsync(Actor actor, int year, int departmentId, decimal points, string? reason, CancellationToken cancellationToken = default)
    {
        EnsureAssessor(actor);
        var text = reason?.Trim() ?? "";
        if (text.Length == 0)
        {
            await audit.AppendAsync(actor, "AssessmentAdjusted", $"year:{year};department:{departmentId}", AuditOutcome.Refused, "no reason", cancellationToken);
            throw ValidationFailedException.For("reason", "Statistics.Error.ReasonRequired");
        }

        if (text.Length > MaxReasonLength)
        {
            throw ValidationFailedException.For("reason", "Statistics.Error.ReasonTooLong");
        }

        if (points == 0 || Math.Abs(points) > 1000)
        {
            throw ValidationFailedException.For("points", "Statistics.Error.BadPoints");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.AnnualAssessments.AnyAsync(a => a.Year == year, cancellationToken))
        {
            throw new NotFoundException("Statistics.Error.NoAssessment");
        }

        if (!await db.Departments.AnyAsync(d => d.Id == departmentId, cancellationToken))
        {
            throw new NotFoundException("Statistics.Error.NoDepartment");
        }

        db.AssessmentAdjustments.Add(new AssessmentAdjustment
        {
            Year = year,
            DepartmentId = departmentId,
            Points = points,
            Reason = text,
            ByUserId = actor.UserId!.Value,
            ByName = actor.DisplayName,
            At = clock.GetUtcNow(),
        });
        // The adjustment and its record commit together (ADR 0021): a changed score nobody can trace is not allowed.
        audit.Stage(db, actor, "AssessmentAdjusted", $"year:{year};department:{departmentId}", AuditOutcome.Success,
            $"{points:+0.##;-0.##}: {text}");
        await db.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>采用: marks a published item as used by higher authorities (Publisher, leaders), audited.</summary>
    public async Task SetUsedByHigherAuthoritiesAsync(Actor actor, int requestId, bool used, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var request = await db.Requests.SingleOrDefaultAsync(r => r.Id == requestId, cancellationToken) ?? throw new NotFoundException("Requests.NotFound");
        try
        {
            request.MarkUsedByHigherAuthorities(actor, used, clock.GetUtcNow());
        }
        catch (ForbiddenException)
        {
            await audit.AppendAsync(actor, "RequestUsedByHigherAuthorities", $"request:{requestId}", AuditOutcome.Refused, null, cancellationToken);
            throw;
        }

        audit.Stage(db, actor, "RequestUsedByHigherAuthorities", $"request:{requestId}", AuditOutcome.Success, used ? "set" : "cleared");
        await db.SaveChangesAsync(CancellationToken.None);
    }

    private static void EnsureAssessor(Actor actor)
    {
        if (!actor.Has(Permissions.Statistics.Adjust) || actor.UserId is null)
        {
            throw new ForbiddenException("Statistics.Error.AssessorOnly");
        }
    }
}

/// <summary>What the assessment page and the annual report PDF show.</summary>
public sealed record AssessmentReport(
    int Year, DateTimeOffset ComputedAt, AssessmentPoints Points, IReadOnlyList<AssessmentRow> Rows,
    IReadOnlyList<string> Commendations, IReadOnlyList<string> Criticisms, IReadOnlyList<string> PendingRules)
{
    /// <summary>The commended departments' rows, for the reason printed beside each name (ADR 0051).</summary>
    public IReadOnlyList<AssessmentRow> CommendedRows { get; init; } = [];

    public IReadOnlyList<AssessmentRow> CriticisedRows { get; init; } = [];

    /// <summary>Officers as individuals (§2 第五章 表彰…个人), in rank order.</summary>
    public IReadOnlyList<IndividualRow> Individuals { get; init; } = [];

    public IReadOnlyList<IndividualRow> CommendedIndividuals { get; init; } = [];
}

public sealed record AssessmentRow(
    int Rank, int DepartmentId, string DepartmentName, int Published, int Timely, int UsedByHigherAuthorities, int Returned, int TakenDown,
    int LateReplies, int OnTimeReplies, decimal ComputedPoints, IReadOnlyList<AdjustmentLine> Adjustments, decimal Total)
{
    /// <summary>Times one of the department's columns went stale in the year (§1 第十六条).</summary>
    public int StaleColumns { get; init; }
}

/// <summary>One officer's year: their own items, scored with the department rule's points.</summary>
public sealed record IndividualRow(int Rank, int UserId, string Name, string DepartmentName, int Published, int UsedByHigherAuthorities, int Returned, int TakenDown, decimal Points);

/// <summary>The reason printed beside a listed department or person (ADR 0051): its rank and the figures that put it there.</summary>
public static class RankingReasons
{
    public static string Of(AssessmentRow r, Microsoft.Extensions.Localization.IStringLocalizer L) =>
        L["Assessment.RankReason", r.Rank, r.Total.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture), r.Published, r.Timely, r.UsedByHigherAuthorities,
            r.Returned, r.TakenDown, r.StaleColumns, r.LateReplies].Value;

    public static string Of(IndividualRow r, Microsoft.Extensions.Localization.IStringLocalizer L) =>
        L["Assessment.IndividualReason", r.Rank, r.Points.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture), r.Published, r.UsedByHigherAuthorities, r.Returned, r.TakenDown].Value;

    public static string Of(BulletinDepartmentRow r, Microsoft.Extensions.Localization.IStringLocalizer L) =>
        L["Bulletin.RankReason", r.Rank, r.Published, r.Timely, r.TimelinessRate is { } rate ? rate.ToString("P0", System.Globalization.CultureInfo.InvariantCulture) : "—", r.TakenDown, r.Returned].Value;
}

public sealed record AdjustmentLine(decimal Points, string Reason, string By, DateTimeOffset At);
