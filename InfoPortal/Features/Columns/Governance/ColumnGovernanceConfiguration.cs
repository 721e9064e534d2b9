using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InfoPortal.Features.Columns.Governance;

internal sealed class ColumnChangeRequestConfiguration : IEntityTypeConfiguration<ColumnChangeRequest>
{
    public void Configure(EntityTypeBuilder<ColumnChangeRequest> builder)
    {
        builder.Ignore(c => c.Layout);
        builder.Property(c => c.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.Name).HasMaxLength(100);
        builder.Property(c => c.Reason).HasMaxLength(2000);
        builder.Property(c => c.Opinion).HasMaxLength(2000);
        builder.Property(c => c.ProposedByName).HasMaxLength(100);
        builder.Property(c => c.DecidedByName).HasMaxLength(100);
        builder.Property(c => c.DecidedByRole).HasMaxLength(32);
        builder.Property(c => c.Version).IsConcurrencyToken();
        builder.HasIndex(c => new { c.Status, c.Id });
        builder.HasOne<Column>().WithMany().HasForeignKey(c => c.ColumnId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Column>().WithMany().HasForeignKey(c => c.TargetColumnId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class StaleColumnNoticeConfiguration : IEntityTypeConfiguration<StaleColumnNotice>
{
    public void Configure(EntityTypeBuilder<StaleColumnNotice> builder)
    {
        builder.HasKey(n => new { n.ColumnId, n.Day });
        builder.HasOne<Column>().WithMany().HasForeignKey(n => n.ColumnId).OnDelete(DeleteBehavior.Cascade);
    }
}
