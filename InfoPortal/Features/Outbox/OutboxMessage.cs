using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InfoPortal.Features.Outbox;

/// <summary>
/// An effect outside the database (a mail, for now) written in the same transaction as the change
/// that causes it, and carried out afterwards by <see cref="OutboxWorker"/> until it succeeds
/// (ADR 0021 §3). Delivery is at least once: handlers are idempotent or harmless when repeated.
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }

    /// <summary>Which <see cref="IOutboxHandler"/> carries it out, e.g. <c>mail</c>.</summary>
    public string Kind { get; set; } = "";

    /// <summary>The handler's input as JSON.</summary>
    public string Payload { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public int Attempts { get; set; }

    /// <summary>Not tried before this time (exponential back-off after a failure).</summary>
    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>While in the future, one worker (<see cref="LeaseOwner"/>) is handling the row; an expired lease is free again.</summary>
    public DateTimeOffset? LeaseUntil { get; set; }

    public string? LeaseOwner { get; set; }

    public DateTimeOffset? ProcessedAt { get; set; }

    public string? LastError { get; set; }
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("OutboxMessages");
        builder.Property(m => m.Kind).HasMaxLength(64);
        builder.Property(m => m.LeaseOwner).HasMaxLength(128);
        builder.Property(m => m.LastError).HasMaxLength(2000);
        builder.HasIndex(m => new { m.ProcessedAt, m.NextAttemptAt });
    }
}

/// <summary>Carries out one kind of outbox message. Must tolerate being called twice for one message.</summary>
public interface IOutboxHandler
{
    string Kind { get; }

    Task HandleAsync(string payload, CancellationToken cancellationToken);
}
