using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InfoPortal.Infrastructure.Cluster;

/// <summary>
/// One row per topic (<see cref="ClusterTopics"/>) with a version that only grows (ADR 0021 §4).
/// A change bumps it in its own transaction; an instance that missed the notification sees the
/// newer version and catches up.
/// </summary>
public sealed class ClusterVersion
{
    public required string Topic { get; set; }

    public long Version { get; set; }
}

/// <summary>The topics instances tell each other about.</summary>
public static class ClusterTopics
{
    /// <summary>The secrecy officer's word lists: every instance recompiles its screening engine.</summary>
    public const string WordLists = "word-lists";

    /// <summary>What anonymous visitors see; the tags say which cached pages to evict.</summary>
    public const string PublicSite = "public-site";

    /// <summary>Tag of the home page.</summary>
    public const string HomeTag = "home";

    public static string ColumnTag(int columnId) => $"column:{columnId}";

    public static string ArticleTag(int requestId) => $"article:{requestId}";
}

internal sealed class ClusterVersionConfiguration : IEntityTypeConfiguration<ClusterVersion>
{
    public void Configure(EntityTypeBuilder<ClusterVersion> builder)
    {
        builder.ToTable("ClusterVersions");
        builder.HasKey(v => v.Topic);
        builder.Property(v => v.Topic).HasMaxLength(64);
    }
}
