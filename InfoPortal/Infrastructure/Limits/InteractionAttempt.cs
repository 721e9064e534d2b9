using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InfoPortal.Infrastructure.Limits;

/// <summary>
/// One attempt counted by the table-based rate limiter (<see cref="AttemptLimiter"/>; survives restarts,
/// shared by instances). The public message form and the sign-in both count here; the table keeps its
/// first user's name.
/// </summary>
public sealed class InteractionAttempt
{
    public long Id { get; set; }

    /// <summary>e.g. <c>submit-ip:203.0.113.5</c>, <c>submit-contact:&lt;sha256&gt;</c>, <c>lookup-ip:…</c>.</summary>
    public string Key { get; set; } = "";

    public DateTimeOffset At { get; set; }
}

internal sealed class InteractionAttemptConfiguration : IEntityTypeConfiguration<InteractionAttempt>
{
    public void Configure(EntityTypeBuilder<InteractionAttempt> b)
    {
        b.ToTable("InteractionAttempts");
        b.Property(a => a.Key).HasMaxLength(120);
        b.HasIndex(a => new { a.Key, a.At });
    }
}
