using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InfoPortal.Features.Monitoring;

internal sealed class MonitoringRunConfiguration : IEntityTypeConfiguration<MonitoringRun>
{
    public void Configure(EntityTypeBuilder<MonitoringRun> builder)
    {
        // One record per day: the claim that keeps two runs of the same day from both writing.
        builder.HasIndex(r => r.Day).IsUnique();
        builder.Property(r => r.Outcome).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.ListVersion).HasMaxLength(100);
        builder.Property(r => r.TriggeredBy).HasMaxLength(100);
        builder.Property(r => r.Error).HasMaxLength(2000);
    }
}

internal sealed class AlertConfiguration : IEntityTypeConfiguration<Alert>
{
    public void Configure(EntityTypeBuilder<Alert> builder)
    {
        // One alert per item and hit set, ever: a rerun or a concurrent run cannot add a second.
        builder.HasIndex(a => new { a.RequestId, a.HitKey }).IsUnique();
        builder.HasIndex(a => new { a.Status, a.Id });
        builder.HasIndex(a => a.Day);
        builder.Property(a => a.HitKey).HasMaxLength(64);
        builder.Property(a => a.ListVersion).HasMaxLength(100);
        builder.Property(a => a.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(a => a.DismissReason).HasMaxLength(2000);
        builder.Property(a => a.HandledByName).HasMaxLength(100);
        builder.Property(a => a.Version).IsConcurrencyToken();
        builder.Ignore(a => a.Hits);
        builder.HasOne<Requests.PublicationRequest>().WithMany().HasForeignKey(a => a.RequestId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Publishing.Takedown>().WithMany().HasForeignKey(a => a.TakedownId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class IncidentConfiguration : IEntityTypeConfiguration<Incident>
{
    public void Configure(EntityTypeBuilder<Incident> builder)
    {
        builder.HasIndex(i => i.AlertId).IsUnique();
        builder.HasIndex(i => new { i.Status, i.Id });
        builder.Property(i => i.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(i => i.OpenedByName).HasMaxLength(100);
        builder.Property(i => i.ClosedByName).HasMaxLength(100);
        builder.Property(i => i.Cause).HasMaxLength(4000);
        builder.Property(i => i.Remedy).HasMaxLength(4000);
        builder.Property(i => i.ReportedTo).HasMaxLength(4000);
        builder.Property(i => i.Version).IsConcurrencyToken();
        builder.HasOne<Alert>().WithMany().HasForeignKey(i => i.AlertId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Requests.PublicationRequest>().WithMany().HasForeignKey(i => i.RequestId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Publishing.Takedown>().WithMany().HasForeignKey(i => i.TakedownId).OnDelete(DeleteBehavior.Restrict);
    }
}
