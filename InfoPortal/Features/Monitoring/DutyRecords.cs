using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Audit;
using InfoPortal.Features.Interaction;
using InfoPortal.Features.Notifications;
using InfoPortal.Features.Requests;
using InfoPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;

namespace InfoPortal.Features.Monitoring;

/// <summary>
/// 每日监管记录 (制度 第十四条, issue 14 item 6, ADR 0049): what the web administrator checked on a
/// working day, the day's facts, the problems found and whether they were reported to the leader,
/// signed by name and time. A signed record never changes: a correction is a new version that
/// names the one it replaces; both stay.
/// </summary>
public sealed class DutyRecord
{
    public int Id { get; set; }

    /// <summary>The agency day the record is for.</summary>
    public DateOnly Day { get; set; }

    /// <summary>1 for the first signature of the day, +1 per correction.</summary>
    public int Version { get; set; }

    /// <summary>The record this one corrects.</summary>
    public int? ReplacesId { get; set; }

    /// <summary>The day's facts as found when signing (published, taken down, rescan, alerts), JSON.</summary>
    public string FactsJson { get; set; } = "{}";

    /// <summary>检查情况: what was checked.</summary>
    public string Checked { get; set; } = "";

    /// <summary>发现的问题 (empty when none).</summary>
    public string? Problems { get; set; }

    /// <summary>The problems were reported to the 分管领导 with this record.</summary>
    public bool ReportedToLeader { get; set; }

    /// <summary>Why the correction was made (versions after the first).</summary>
    public string? CorrectionReason { get; set; }

    public int SignedById { get; set; }

    public string SignedByName { get; set; } = "";

    public DateTimeOffset SignedAt { get; set; }
}

/// <summary>The facts of one day the record is prefilled with.</summary>
public sealed record DutyFacts(int Published, int TakenDown, int RescanChecked, int RescanHits, string? RescanOutcome, int AlertsRaised, int AlertsHandled, int AlertsOpen);

public sealed record DutyInput(DateOnly Day, string? Checked, string? Problems, bool ReportToLeader, string? CorrectionReason = null);

/// <summary>A working day's state: its current record (if any) and whether it is missing.</summary>
public sealed record DutyDay(DateOnly Day, DutyRecord? Record, bool Missing);

public sealed class DutyRecordService(
    IDbContextFactory<PortalDbContext> dbFactory,
    AuditLog audit,
    NotificationService notifications,
    IOptions<InteractionOptions> calendarOptions,
    AgencyClock agency,
    TimeProvider clock)
{
    public const string ProblemReportedKind = "DutyProblemReported";

    public static bool CanSign(Actor actor) => actor.IsAuthenticated && actor.Has(Permissions.Monitoring.SignDuty);


    public static bool CanRead(Actor actor) => actor.IsAuthenticated && actor.Has(Permissions.Monitoring.ReadDuty);

    private WorkingCalendar Calendar => WorkingCalendar.From(calendarOptions.Value);

    /// <summary>The day's facts from the database: what the record is prefilled with and stores when signed.</summary>
    public async Task<DutyFacts> FactsAsync(DateOnly day, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (start, end) = (agency.StartOfDay(day), agency.StartOfDay(day.AddDays(1)));
        var published = await db.Requests.CountAsync(r => r.PublishedAt >= start && r.PublishedAt < end, cancellationToken);
        var takenDown = await db.Requests.CountAsync(r => r.TakenDownAt >= start && r.TakenDownAt < end, cancellationToken);
        var run = await db.MonitoringRuns.AsNoTracking().Where(r => r.Day == day).OrderByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken);
        var raised = await db.Alerts.CountAsync(a => a.RaisedAt >= start && a.RaisedAt < end, cancellationToken);
        var handled = await db.Alerts.CountAsync(a => a.HandledAt >= start && a.HandledAt < end, cancellationToken);
        var open = await db.Alerts.CountAsync(a => a.Status == AlertStatus.Open, cancellationToken);
        return new DutyFacts(published, takenDown, run?.ItemsChecked ?? 0, run?.Hits ?? 0, run?.Outcome.ToString(), raised, handled, open);
    }

    /// <summary>
    /// Signs the day's record (the Publisher only, a working day not in the future). When the day is
    /// already signed this is a correction: a new version that names the old one and needs a reason.
    /// The record, its audit record and (when reported) the leaders' notices commit together.
    /// </summary>
    public async Task<DutyRecord> SignAsync(Actor actor, DutyInput input, CancellationToken cancellationToken = default)
    {
        if (!CanSign(actor))
        {
            throw new ForbiddenException("Duty.SignForbidden");
        }

        var errors = new Dictionary<string, string[]>();
        if (input.Day > agency.Today) errors["day"] = ["Duty.FutureDay"];
        else if (!Calendar.IsWorkingDay(input.Day)) errors["day"] = ["Duty.NotWorkingDay"];
        if (string.IsNullOrWhiteSpace(input.Checked)) errors["checked"] = ["Duty.CheckedRequired"];
        else if (input.Checked.Length > 4000) errors["checked"] = ["Duty.TooLong"];
        if (input.Problems?.Length > 4000) errors["problems"] = ["Duty.TooLong"];
        if (input.ReportToLeader && string.IsNullOrWhiteSpace(input.Problems)) errors["problems"] = ["Duty.ProblemsRequiredToReport"];

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var current = await db.DutyRecords.AsNoTracking().Where(r => r.Day == input.Day).OrderByDescending(r => r.Version).FirstOrDefaultAsync(cancellationToken);
        if (current is not null && string.IsNullOrWhiteSpace(input.CorrectionReason))
        {
            errors["correctionReason"] = ["Duty.CorrectionReasonRequired"];
        }

        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors, "Common.InvalidInput");
        }

        var facts = await FactsAsync(input.Day, cancellationToken);
        var record = new DutyRecord
        {
            Day = input.Day,
            Version = (current?.Version ?? 0) + 1,
            ReplacesId = current?.Id,
            FactsJson = System.Text.Json.JsonSerializer.Serialize(facts),
            Checked = input.Checked!.Trim(),
            Problems = string.IsNullOrWhiteSpace(input.Problems) ? null : input.Problems.Trim(),
            ReportedToLeader = input.ReportToLeader,
            CorrectionReason = current is null ? null : input.CorrectionReason!.Trim(),
            SignedById = actor.UserId!.Value,
            SignedByName = actor.DisplayName,
            SignedAt = clock.GetUtcNow(),
        };
        db.DutyRecords.Add(record);
        audit.Stage(db, actor, current is null ? "DutyRecordSigned" : "DutyRecordCorrected", $"duty:{input.Day:yyyy-MM-dd}", AuditOutcome.Success,
            $"v{record.Version}" + (current is null ? "" : $" replaces v{current.Version}: {record.CorrectionReason}") + (record.Problems is null ? "" : $"; problems: {record.Problems}"));
        if (input.ReportToLeader)
        {
            // 第十四条: a serious problem is reported to the 主管领导 — with the record, in its transaction.
            audit.Stage(db, actor, "DutyProblemReported", $"duty:{input.Day:yyyy-MM-dd}", AuditOutcome.Success, record.Problems);
            await notifications.StageRoleAsync(db, Roles.Leader, null, ProblemReportedKind, [input.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), record.Problems!], "/office/monitoring/duty", cancellationToken);
        }

        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateException)
        {
            // Two signatures of the same day and version at once: the unique index lets one win.
            throw new ConflictException("Duty.SignedMeanwhile");
        }

        return record;
    }

    /// <summary>Working days from <paramref name="from"/> to <paramref name="to"/> (not after yesterday for "missing"), newest first, each with its current record.</summary>
    public async Task<IReadOnlyList<DutyDay>> DaysAsync(Actor actor, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        if (!CanRead(actor))
        {
            throw new ForbiddenException("Duty.ReadForbidden");
        }

        if (to < from || to.DayNumber - from.DayNumber > 400)
        {
            throw ValidationFailedException.For("to", "Duty.RangeInvalid");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var records = await db.DutyRecords.AsNoTracking().Where(r => r.Day >= from && r.Day <= to).ToListAsync(cancellationToken);
        var latest = records.GroupBy(r => r.Day).ToDictionary(g => g.Key, g => g.MaxBy(r => r.Version)!);
        var today = agency.Today;
        var days = new List<DutyDay>();
        for (var day = to; day >= from; day = day.AddDays(-1))
        {
            if (!Calendar.IsWorkingDay(day) || day > today)
            {
                continue;
            }

            var record = latest.GetValueOrDefault(day);
            // Today is not missing yet: the administrator signs at the end of the day.
            days.Add(new DutyDay(day, record, record is null && day < today));
        }

        return days;
    }

    /// <summary>Working days of a month without a signed record (counted in the monthly statistics).</summary>
    public async Task<int> MissingDaysAsync(int year, int month, CancellationToken cancellationToken = default)
    {
        var from = new DateOnly(year, month, 1);
        var to = from.AddMonths(1).AddDays(-1);
        var today = agency.Today;
        if (from > today)
        {
            return 0;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var signed = (await db.DutyRecords.AsNoTracking().Where(r => r.Day >= from && r.Day <= to).Select(r => r.Day).Distinct().ToListAsync(cancellationToken)).ToHashSet();
        var missing = 0;
        for (var day = from; day <= to && day < today; day = day.AddDays(1))
        {
            if (Calendar.IsWorkingDay(day) && !signed.Contains(day))
            {
                missing++;
            }
        }

        return missing;
    }

    /// <summary>All versions of a day, oldest first (the correction trail).</summary>
    public async Task<IReadOnlyList<DutyRecord>> VersionsAsync(Actor actor, DateOnly day, CancellationToken cancellationToken = default)
    {
        if (!CanRead(actor))
        {
            throw new ForbiddenException("Duty.ReadForbidden");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.DutyRecords.AsNoTracking().Where(r => r.Day == day).OrderBy(r => r.Version).ToListAsync(cancellationToken);
    }
}

internal sealed class DutyRecordConfiguration : IEntityTypeConfiguration<DutyRecord>
{
    public void Configure(EntityTypeBuilder<DutyRecord> builder)
    {
        builder.HasIndex(r => new { r.Day, r.Version }).IsUnique();
        builder.Property(r => r.Checked).HasMaxLength(4000);
        builder.Property(r => r.Problems).HasMaxLength(4000);
        builder.Property(r => r.CorrectionReason).HasMaxLength(1000);
        builder.Property(r => r.SignedByName).HasMaxLength(100);
        builder.Property(r => r.FactsJson).HasMaxLength(2000);
        builder.HasOne<DutyRecord>().WithMany().HasForeignKey(r => r.ReplacesId).OnDelete(DeleteBehavior.Restrict);
    }
}
