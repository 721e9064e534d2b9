using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InfoPortal.Features.Statistics;

/// <summary>
/// 月度统计: one department's (or one department-and-column's) figures for one local month, frozen
/// when the monthly job ran so that later edits do not shift past months. <see cref="ColumnId"/> 0
/// is the department's total (each request counted once); other rows count the requests that
/// target that column (a request in two columns counts in both).
/// </summary>
public sealed class MonthlyStatistics
{
    public const int AllColumns = 0;

    public int Id { get; set; }

    public int Year { get; set; }

    public int Month { get; set; }

    public int DepartmentId { get; set; }

    public int ColumnId { get; set; }

    /// <summary>Requests created in the month.</summary>
    public int Drafted { get; set; }

    /// <summary>Requests whose latest submission (first submit or resubmit) fell in the month.</summary>
    public int Submitted { get; set; }

    /// <summary>Requests that passed their last review step in the month.</summary>
    public int Approved { get; set; }

    /// <summary>Return decisions taken in the month (a request returned twice counts twice).</summary>
    public int Returned { get; set; }

    /// <summary>Requests first published in the month.</summary>
    public int Published { get; set; }

    /// <summary>Of <see cref="Published"/>: those whose local publication date is at most 10 days after the event date (rules.md §1 第十条(一)).</summary>
    public int Timely { get; set; }

    /// <summary>Requests taken down in the month.</summary>
    public int TakenDown { get; set; }

    /// <summary>Review steps decided in the month that had waited longer than Review:OverdueDays.</summary>
    public int OverdueSteps { get; set; }

    // Interaction figures (issue 6 part 4): department total rows only (ColumnId 0) — messages have
    // no column. The cohort is the messages received in the month (local day of receipt); see
    // MonthlyStatisticsJob for the day "late" is judged on.

    /// <summary>Interaction messages received in the month and assigned to the department.</summary>
    public int MessagesReceived { get; set; }

    /// <summary>Of <see cref="MessagesReceived"/>: answered (reply approved) by the time the job ran.</summary>
    public int MessagesAnswered { get; set; }

    /// <summary>Of <see cref="MessagesAnswered"/>: answered on or before the deadline (extensions included).</summary>
    public int MessagesAnsweredOnTime { get; set; }

    /// <summary>Late replies: answered after the deadline, or still open past it on the judging day.</summary>
    public int MessagesLate { get; set; }

    /// <summary>Median hours from receipt to the published reply; null when nothing was answered.</summary>
    public double? MedianReplyHours { get; set; }

    public DateTimeOffset ComputedAt { get; set; }

    /// <summary>Timely ÷ published, or null when nothing was published.</summary>
    public double? TimelinessRate => Published == 0 ? null : (double)Timely / Published;
}

/// <summary>Review time of one step (the role of the chain step) for one department and month.</summary>
public sealed class MonthlyStepStatistics
{
    public int Id { get; set; }

    public int Year { get; set; }

    public int Month { get; set; }

    public int DepartmentId { get; set; }

    public string Role { get; set; } = "";

    public int Decisions { get; set; }

    /// <summary>Median hours from the step's start to its decision (linear interpolation, as PostgreSQL's percentile_cont).</summary>
    public double MedianHours { get; set; }

    public double P90Hours { get; set; }

    public int OverdueSteps { get; set; }
}

/// <summary>That a month has been computed, and when: an empty month and a month of zeros differ.</summary>
public sealed class MonthlyStatisticsRun
{
    public int Year { get; set; }

    public int Month { get; set; }

    public DateTimeOffset ComputedAt { get; set; }

    public string TimeZone { get; set; } = "";
}

internal sealed class MonthlyStatisticsConfiguration : IEntityTypeConfiguration<MonthlyStatistics>
{
    public void Configure(EntityTypeBuilder<MonthlyStatistics> builder)
    {
        builder.HasIndex(s => new { s.Year, s.Month, s.DepartmentId, s.ColumnId }).IsUnique();
        builder.Ignore(s => s.TimelinessRate);
        builder.HasOne<Accounts.Department>().WithMany().HasForeignKey(s => s.DepartmentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MonthlyStepStatisticsConfiguration : IEntityTypeConfiguration<MonthlyStepStatistics>
{
    public void Configure(EntityTypeBuilder<MonthlyStepStatistics> builder)
    {
        builder.Property(s => s.Role).HasMaxLength(32);
        builder.HasIndex(s => new { s.Year, s.Month, s.DepartmentId, s.Role }).IsUnique();
        builder.HasOne<Accounts.Department>().WithMany().HasForeignKey(s => s.DepartmentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MonthlyStatisticsRunConfiguration : IEntityTypeConfiguration<MonthlyStatisticsRun>
{
    public void Configure(EntityTypeBuilder<MonthlyStatisticsRun> builder)
    {
        builder.HasKey(r => new { r.Year, r.Month });
        builder.Property(r => r.TimeZone).HasMaxLength(64);
    }
}

/// <summary>Indexes the monthly job's range scans need (one per event time), added to existing tables.</summary>
internal sealed class StatisticsIndexes : IEntityTypeConfiguration<Requests.PublicationRequest>, IEntityTypeConfiguration<Requests.Decision>
{
    public void Configure(EntityTypeBuilder<Requests.PublicationRequest> builder)
    {
        builder.HasIndex(r => new { r.CreatedAt, r.DepartmentId });
        builder.HasIndex(r => new { r.SubmittedAt, r.DepartmentId });
        builder.HasIndex(r => new { r.ApprovedAt, r.DepartmentId });
        // EventDate too, so the timeliness count reads the index only.
        builder.HasIndex(r => new { r.PublishedAt, r.DepartmentId, r.EventDate });
        builder.HasIndex(r => new { r.TakenDownAt, r.DepartmentId });
    }

    public void Configure(EntityTypeBuilder<Requests.Decision> builder)
    {
        // Covering for the review-time and overdue queries: no visit to the decision rows.
        builder.HasIndex(d => new { d.DecidedAt, d.RequestId, d.Outcome, d.Role, d.StepStartedAt });
    }
}
