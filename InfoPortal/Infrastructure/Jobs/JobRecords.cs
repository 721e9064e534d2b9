using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InfoPortal.Infrastructure.Jobs;

public enum JobOutcome
{
    Running,
    Succeeded,
    Failed,
    Skipped,
}

/// <summary>One run of a job for one period: the history the jobs page shows.</summary>
public sealed class JobRun
{
    public long Id { get; set; }

    public required string JobName { get; set; }

    public required string PeriodKey { get; set; }

    /// <summary>Schedule, CatchUp or Manual (with the user name).</summary>
    public required string Trigger { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public JobOutcome Outcome { get; set; }

    public int Count { get; set; }

    public string? Summary { get; set; }

    public string? Error { get; set; }
}

/// <summary>A period a job has completed; one row per job and period, replaced by a rerun.</summary>
public sealed class JobPeriodRecord
{
    public required string JobName { get; set; }

    public required string PeriodKey { get; set; }

    public DateTimeOffset CompletedAt { get; set; }

    public long LastRunId { get; set; }

    public int Count { get; set; }

    public string? Summary { get; set; }
}

/// <summary>
/// Who is running a job for a period, until when. Taken by an insert (unique key) or by an update
/// of an expired row, so two runs — in one process or two — never work on the same period at once.
/// </summary>
public sealed class JobLease
{
    public required string JobName { get; set; }

    public required string PeriodKey { get; set; }

    public required string Holder { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }
}

internal sealed class JobRunConfiguration : IEntityTypeConfiguration<JobRun>
{
    public void Configure(EntityTypeBuilder<JobRun> builder)
    {
        builder.ToTable("JobRuns");
        builder.Property(r => r.JobName).HasMaxLength(64);
        builder.Property(r => r.PeriodKey).HasMaxLength(32);
        builder.Property(r => r.Trigger).HasMaxLength(128);
        builder.Property(r => r.Outcome).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.Summary).HasMaxLength(1000);
        builder.Property(r => r.Error).HasMaxLength(2000);
        builder.HasIndex(r => new { r.JobName, r.PeriodKey });
        builder.HasIndex(r => r.StartedAt);
    }
}

internal sealed class JobPeriodRecordConfiguration : IEntityTypeConfiguration<JobPeriodRecord>
{
    public void Configure(EntityTypeBuilder<JobPeriodRecord> builder)
    {
        builder.ToTable("JobPeriods");
        builder.HasKey(p => new { p.JobName, p.PeriodKey });
        builder.Property(p => p.JobName).HasMaxLength(64);
        builder.Property(p => p.PeriodKey).HasMaxLength(32);
        builder.Property(p => p.Summary).HasMaxLength(1000);
    }
}

internal sealed class JobLeaseConfiguration : IEntityTypeConfiguration<JobLease>
{
    public void Configure(EntityTypeBuilder<JobLease> builder)
    {
        builder.ToTable("JobLeases");
        builder.HasKey(l => new { l.JobName, l.PeriodKey });
        builder.Property(l => l.JobName).HasMaxLength(64);
        builder.Property(l => l.PeriodKey).HasMaxLength(32);
        builder.Property(l => l.Holder).HasMaxLength(64);
    }
}
