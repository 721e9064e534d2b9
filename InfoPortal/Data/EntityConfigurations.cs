using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InfoPortal.Data;

internal sealed class AppUserConfiguration : IEntityTypeConfiguration<AppUser>
{
    public void Configure(EntityTypeBuilder<AppUser> builder)
    {
        builder.Property(u => u.DisplayName).HasMaxLength(100);
        builder.HasOne(u => u.Department).WithMany().HasForeignKey(u => u.DepartmentId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(u => u.DepartmentId);
    }
}

internal sealed class DepartmentConfiguration : IEntityTypeConfiguration<Department>
{
    public void Configure(EntityTypeBuilder<Department> builder)
    {
        builder.Property(d => d.Name).HasMaxLength(100);
        builder.HasIndex(d => d.Name).IsUnique();
        builder.HasOne<AppUser>().WithMany().HasForeignKey(d => d.HeadUserId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class UserSessionConfiguration : IEntityTypeConfiguration<UserSession>
{
    public void Configure(EntityTypeBuilder<UserSession> builder)
    {
        builder.Property(s => s.IpAddress).HasMaxLength(64);
        builder.Property(s => s.UserAgent).HasMaxLength(512);
        builder.HasIndex(s => new { s.UserId, s.EndedAt });
        builder.HasOne<AppUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AccessTokenConfiguration : IEntityTypeConfiguration<AccessToken>
{
    public void Configure(EntityTypeBuilder<AccessToken> builder)
    {
        builder.Property(t => t.Name).HasMaxLength(100);
        builder.Property(t => t.TokenHash).HasMaxLength(64);
        builder.Property(t => t.Prefix).HasMaxLength(16);
        builder.HasIndex(t => t.TokenHash).IsUnique();
        builder.HasIndex(t => t.UserId);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AuditRecordConfiguration : IEntityTypeConfiguration<AuditRecord>
{
    public void Configure(EntityTypeBuilder<AuditRecord> builder)
    {
        builder.HasIndex(a => a.Sequence).IsUnique();
        builder.HasIndex(a => a.At);
        builder.HasIndex(a => new { a.Action, a.Id });
        // "Was this file reviewed by hand?" (action + target file:{sha256}): asked per attachment on every
        // screening and per row of the secrecy officer's worklist.
        builder.HasIndex(a => new { a.Action, a.Outcome, a.Target });
        builder.HasIndex(a => new { a.ActorName, a.Id });
        builder.Property(a => a.ActorName).HasMaxLength(256);
        builder.Property(a => a.IpAddress).HasMaxLength(64);
        builder.Property(a => a.Action).HasMaxLength(64);
        builder.Property(a => a.Target).HasMaxLength(512);
        builder.Property(a => a.Detail).HasMaxLength(4000);
        builder.Property(a => a.Outcome).HasConversion<string>().HasMaxLength(16);
        builder.Property(a => a.PreviousHash).HasMaxLength(64);
        builder.Property(a => a.Hash).HasMaxLength(64);
    }
}

internal sealed class AuditHeadConfiguration : IEntityTypeConfiguration<AuditHead>
{
    public void Configure(EntityTypeBuilder<AuditHead> builder)
    {
        builder.Property(h => h.Id).ValueGeneratedNever();
        builder.Property(h => h.LastHash).HasMaxLength(64);
    }
}

internal sealed class ColumnConfiguration : IEntityTypeConfiguration<Features.Columns.Column>
{
    public void Configure(EntityTypeBuilder<Features.Columns.Column> builder)
    {
        builder.Property(c => c.Name).HasMaxLength(100);
        builder.HasIndex(c => new { c.Site, c.ParentId, c.SortOrder });
        builder.HasOne<Features.Columns.Column>().WithMany().HasForeignKey(c => c.ParentId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Department>().WithMany().HasForeignKey(c => c.ResponsibleDepartmentId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ReviewChainConfiguration : IEntityTypeConfiguration<Features.Requests.ReviewChain>
{
    public void Configure(EntityTypeBuilder<Features.Requests.ReviewChain> builder)
    {
        builder.Property(c => c.Code).HasMaxLength(32);
        builder.HasIndex(c => new { c.Code, c.Version }).IsUnique();
        builder.Ignore(c => c.Steps);
    }
}

internal sealed class PublicationRequestConfiguration : IEntityTypeConfiguration<Features.Requests.PublicationRequest>
{
    public void Configure(EntityTypeBuilder<Features.Requests.PublicationRequest> builder)
    {
        builder.Property(r => r.Title).HasMaxLength(200);
        builder.Property(r => r.Source).HasMaxLength(200);
        builder.Property(r => r.ContentSha256).HasMaxLength(64);
        builder.Property(r => r.InvolvedDepartmentIds).HasMaxLength(400);
        builder.Ignore(r => r.InvolvedDepartments);
        builder.Property(r => r.Version).IsConcurrencyToken();
        builder.Ignore(r => r.PlannedSteps);
        builder.Ignore(r => r.CurrentStep);
        builder.Ignore(r => r.CurrentRoundDecisions);
        builder.Ignore(r => r.CurrentContent);
        builder.HasOne<Features.Accounts.Department>().WithMany().HasForeignKey(r => r.DepartmentId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Features.Accounts.AppUser>().WithMany().HasForeignKey(r => r.OfficerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Features.Requests.ReviewChain>().WithMany().HasForeignKey(r => r.ChainId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(r => r.Columns).WithOne().HasForeignKey(c => c.RequestId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(r => r.Versions).WithOne().HasForeignKey(v => v.RequestId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(r => r.Decisions).WithOne().HasForeignKey(d => d.RequestId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(r => r.Attachments).WithOne().HasForeignKey(a => a.RequestId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(r => r.Publications).WithOne().HasForeignKey(p => p.RequestId).OnDelete(DeleteBehavior.Restrict);
        // Screening records results against a request without knowing the request type (ADR 0059).
        builder.HasMany<Features.Screening.ScreeningResult>().WithOne().HasForeignKey(s => s.RequestId).OnDelete(DeleteBehavior.Cascade);
        // Keyset paging and the review queue read these.
        builder.HasIndex(r => new { r.Status, r.Id });
        builder.HasIndex(r => new { r.DepartmentId, r.Status, r.Id });
        builder.HasIndex(r => new { r.OfficerId, r.Id });
        builder.HasIndex(r => new { r.Status, r.ScheduledFor });
        builder.Property(r => r.CurrentRole).HasMaxLength(32);
        builder.HasIndex(r => new { r.Status, r.CurrentRole, r.Id });
        builder.HasIndex(r => new { r.Status, r.CurrentRole, r.DepartmentId, r.Id });
    }
}

internal sealed class RequestColumnConfiguration : IEntityTypeConfiguration<Features.Requests.RequestColumn>
{
    public void Configure(EntityTypeBuilder<Features.Requests.RequestColumn> builder)
    {
        builder.HasKey(c => new { c.RequestId, c.ColumnId });
        builder.HasIndex(c => c.ColumnId);
        builder.HasOne<Features.Columns.Column>().WithMany().HasForeignKey(c => c.ColumnId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ContentVersionConfiguration : IEntityTypeConfiguration<Features.Requests.ContentVersionRecord>
{
    public void Configure(EntityTypeBuilder<Features.Requests.ContentVersionRecord> builder)
    {
        builder.ToTable("ContentVersions");
        builder.HasIndex(v => new { v.RequestId, v.Number }).IsUnique();
        builder.Property(v => v.Sha256).HasMaxLength(64);
        builder.Ignore(v => v.Snapshot);
    }
}

internal sealed class DecisionConfiguration : IEntityTypeConfiguration<Features.Requests.Decision>
{
    public void Configure(EntityTypeBuilder<Features.Requests.Decision> builder)
    {
        // One decision per step per round, whatever races happen above.
        builder.HasIndex(d => new { d.RequestId, d.Round, d.StepIndex }).IsUnique();
        builder.HasIndex(d => new { d.ReviewerId, d.DecidedAt });
        builder.Property(d => d.StepKey).HasMaxLength(64);
        builder.Property(d => d.Role).HasMaxLength(32);
        builder.Property(d => d.ReviewerName).HasMaxLength(100);
        builder.Property(d => d.Opinion).HasMaxLength(2000);
        builder.Property(d => d.ContentSha256).HasMaxLength(64);
        builder.Property(d => d.ApprovingAuthority).HasMaxLength(Features.Requests.ProvincialEvidence.MaxLength);
        builder.Property(d => d.ApprovalNumber).HasMaxLength(Features.Requests.ProvincialEvidence.MaxLength);
        builder.Property(d => d.ApprovalScanSha256).HasMaxLength(64);
        builder.Property(d => d.ApprovalScanName).HasMaxLength(200);
    }
}

internal sealed class AttachmentConfiguration : IEntityTypeConfiguration<Features.Requests.Attachment>
{
    public void Configure(EntityTypeBuilder<Features.Requests.Attachment> builder)
    {
        builder.Property(a => a.Sha256).HasMaxLength(64);
        builder.Property(a => a.FileName).HasMaxLength(255);
        builder.Property(a => a.ContentType).HasMaxLength(100);
        builder.Property(a => a.Caption).HasMaxLength(500);
        builder.HasIndex(a => a.Sha256);
        builder.HasIndex(a => a.RequestId);
    }
}

internal sealed class PublicationConfiguration : IEntityTypeConfiguration<Features.Requests.Publication>
{
    public void Configure(EntityTypeBuilder<Features.Requests.Publication> builder)
    {
        builder.HasIndex(p => new { p.ColumnId, p.TakenDownAt, p.PublishedAt });
        builder.HasIndex(p => p.RequestId);
        builder.HasOne<Features.Columns.Column>().WithMany().HasForeignKey(p => p.ColumnId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class TakedownConfiguration : IEntityTypeConfiguration<Features.Publishing.Takedown>
{
    public void Configure(EntityTypeBuilder<Features.Publishing.Takedown> builder)
    {
        builder.HasIndex(t => t.RequestId);
        builder.Property(t => t.Reason).HasMaxLength(2000);
        builder.Property(t => t.ActorName).HasMaxLength(100);
        builder.Property(t => t.ContentSha256).HasMaxLength(64);
        builder.HasOne<Features.Requests.PublicationRequest>().WithMany().HasForeignKey(t => t.RequestId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Features.Notifications.Notification>
{
    public void Configure(EntityTypeBuilder<Features.Notifications.Notification> builder)
    {
        builder.HasIndex(n => new { n.UserId, n.ReadAt, n.Id });
        builder.Property(n => n.Kind).HasMaxLength(32);
        builder.Property(n => n.Args).HasMaxLength(2000);
        builder.Property(n => n.Href).HasMaxLength(256);
        builder.HasOne<Features.Accounts.AppUser>().WithMany().HasForeignKey(n => n.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OverdueReminderConfiguration : IEntityTypeConfiguration<Features.Review.OverdueReminder>
{
    public void Configure(EntityTypeBuilder<Features.Review.OverdueReminder> builder)
    {
        builder.HasKey(m => new { m.RequestId, m.Day });
        builder.HasOne<Features.Requests.PublicationRequest>().WithMany().HasForeignKey(m => m.RequestId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SearchDocumentConfiguration : IEntityTypeConfiguration<Features.Search.SearchDocument>
{
    public void Configure(EntityTypeBuilder<Features.Search.SearchDocument> builder)
    {
        builder.HasKey(d => d.RequestId);
        builder.Property(d => d.RequestId).ValueGeneratedNever();
        builder.Property(d => d.Title).HasMaxLength(200);
        builder.HasIndex(d => d.PublishedAt);
        builder.HasOne<Features.Requests.PublicationRequest>().WithOne().HasForeignKey<Features.Search.SearchDocument>(d => d.RequestId).OnDelete(DeleteBehavior.Cascade);
    }
}
