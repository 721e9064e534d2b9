using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InfoPortal.Features.Interaction;

internal sealed class InteractionMessageConfiguration : IEntityTypeConfiguration<InteractionMessage>
{
    public void Configure(EntityTypeBuilder<InteractionMessage> b)
    {
        b.ToTable("InteractionMessages");
        b.Property(m => m.Ticket).HasMaxLength(48);
        b.HasIndex(m => m.Ticket).IsUnique();
        b.Property(m => m.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(m => m.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(m => m.Subject).HasMaxLength(200);
        b.Property(m => m.SenderName).HasMaxLength(100);
        b.Property(m => m.Contact).HasMaxLength(200);
        b.Property(m => m.CodeHash).HasMaxLength(64);
        b.Property(m => m.HiddenReason).HasMaxLength(500);
        b.Property(m => m.ReplyDraftedByName).HasMaxLength(100);
        b.Property(m => m.ReplyApprovedByName).HasMaxLength(100);
        b.Property(m => m.Version).IsConcurrencyToken();
        b.HasOne<Accounts.Department>().WithMany().HasForeignKey(m => m.DepartmentId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(m => m.Events).WithOne().HasForeignKey(e => e.MessageId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(m => new { m.Status, m.DepartmentId });
        b.HasIndex(m => new { m.IsPublic, m.Status, m.AnsweredAt });
        b.HasIndex(m => m.ReceivedOn);
    }
}

internal sealed class MessageEventConfiguration : IEntityTypeConfiguration<MessageEvent>
{
    public void Configure(EntityTypeBuilder<MessageEvent> b)
    {
        b.ToTable("InteractionMessageEvents");
        b.Property(e => e.ActorName).HasMaxLength(100);
        b.Property(e => e.Action).HasMaxLength(32);
        b.Property(e => e.Detail).HasMaxLength(1000);
        b.HasIndex(e => e.MessageId);
    }
}

internal sealed class InteractionReminderConfiguration : IEntityTypeConfiguration<InteractionReminder>
{
    public void Configure(EntityTypeBuilder<InteractionReminder> b)
    {
        b.ToTable("InteractionReminders");
        b.HasKey(r => new { r.MessageId, r.Day });
        b.HasOne<InteractionMessage>().WithMany().HasForeignKey(r => r.MessageId).OnDelete(DeleteBehavior.Cascade);
    }
}
