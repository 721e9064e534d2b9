using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InfoPortal.Features.Statistics;

/// <summary>季度通报: the bulletin of one quarter, its report model as JSON (what the page and the PDF show).</summary>
public sealed class QuarterlyBulletin
{
    public int Year { get; set; }

    public int Quarter { get; set; }

    public DateTimeOffset ComputedAt { get; set; }

    public string ReportJson { get; set; } = "";

    /// <summary>The draft request that carries the bulletin into the internal column through the review chain.</summary>
    public int? RequestId { get; set; }
}

/// <summary>年度考核: that a year's draft assessment was computed, and with which point rules.</summary>
public sealed class AnnualAssessment
{
    public int Year { get; set; }

    public DateTimeOffset ComputedAt { get; set; }

    public string RulesJson { get; set; } = "";
}

/// <summary>The computed part of one department's annual score; replaced on every rerun.</summary>
public sealed class AssessmentScore
{
    public int Id { get; set; }

    public int Year { get; set; }

    public int DepartmentId { get; set; }

    public int Published { get; set; }

    public int Timely { get; set; }

    public int UsedByHigherAuthorities { get; set; }

    public int Returned { get; set; }

    public int TakenDown { get; set; }

    /// <summary>Interaction messages received in the year, answered late or open past the deadline on the day the assessment ran.</summary>
    public int LateReplies { get; set; }

    /// <summary>Interaction messages of the year answered on time.</summary>
    public int OnTimeReplies { get; set; }

    /// <summary>Times one of the department's columns went stale in the year (§1 第十六条, ADR 0051).</summary>
    public int StaleColumns { get; set; }

    public decimal Points { get; set; }
}

/// <summary>The Assessor's written adjustment of a department's score; kept across reruns.</summary>
public sealed class AssessmentAdjustment
{
    public int Id { get; set; }

    public int Year { get; set; }

    public int DepartmentId { get; set; }

    public decimal Points { get; set; }

    public string Reason { get; set; } = "";

    public int ByUserId { get; set; }

    public string ByName { get; set; } = "";

    public DateTimeOffset At { get; set; }
}

internal sealed class QuarterlyBulletinConfiguration : IEntityTypeConfiguration<QuarterlyBulletin>
{
    public void Configure(EntityTypeBuilder<QuarterlyBulletin> builder)
    {
        builder.HasKey(b => new { b.Year, b.Quarter });
        builder.HasOne<Requests.PublicationRequest>().WithMany().HasForeignKey(b => b.RequestId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class AnnualAssessmentConfiguration : IEntityTypeConfiguration<AnnualAssessment>
{
    public void Configure(EntityTypeBuilder<AnnualAssessment> builder)
    {
        builder.HasKey(a => a.Year);
        builder.Property(a => a.Year).ValueGeneratedNever();
    }
}

internal sealed class AssessmentScoreConfiguration : IEntityTypeConfiguration<AssessmentScore>
{
    public void Configure(EntityTypeBuilder<AssessmentScore> builder)
    {
        builder.HasIndex(s => new { s.Year, s.DepartmentId }).IsUnique();
        builder.Property(s => s.Points).HasPrecision(12, 2);
        builder.HasOne<Accounts.Department>().WithMany().HasForeignKey(s => s.DepartmentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AssessmentAdjustmentConfiguration : IEntityTypeConfiguration<AssessmentAdjustment>
{
    public void Configure(EntityTypeBuilder<AssessmentAdjustment> builder)
    {
        builder.HasIndex(a => new { a.Year, a.DepartmentId });
        builder.Property(a => a.Points).HasPrecision(12, 2);
        builder.Property(a => a.Reason).HasMaxLength(2000);
        builder.Property(a => a.ByName).HasMaxLength(100);
        builder.HasOne<Accounts.Department>().WithMany().HasForeignKey(a => a.DepartmentId).OnDelete(DeleteBehavior.Restrict);
    }
}
