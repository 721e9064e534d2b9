using InfoPortal.Features.Screening.Engine;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InfoPortal.Features.Screening;

/// <summary>词表: a named list of terms the secrecy officer manages; the built-in secrecy markings are not a list but the protected base (ADR 0010).</summary>
public sealed class WordList
{
    public int Id { get; set; }

    public string Name { get; set; } = "";

    /// <summary>The category new terms get unless the import says otherwise.</summary>
    public string Category { get; set; } = ScreeningCategories.Sensitive;

    public DateTimeOffset CreatedAt { get; set; }

    public List<Term> Terms { get; set; } = [];
}

/// <summary>One term of a list with its own category and level.</summary>
public sealed class Term
{
    public int Id { get; set; }

    public int WordListId { get; set; }

    public string Text { get; set; } = "";

    public string Category { get; set; } = ScreeningCategories.Sensitive;

    public ScreeningLevel Level { get; set; } = ScreeningLevel.Block;

    /// <summary>Whether the term's pinyin and same-sound forms are matched too (warnings; ADR 0056). None by default.</summary>
    public TermVariants Variants { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One change of the word lists: the revision number is the list version a screening result records.</summary>
public sealed class WordListRevision
{
    public int Id { get; set; }

    public int Number { get; set; }

    public int? ActorId { get; set; }

    public string ActorName { get; set; } = "";

    public DateTimeOffset At { get; set; }

    public string Summary { get; set; } = "";
}

/// <summary>Where in the workflow a screening ran.</summary>
public enum ScreeningStage
{
    Submit = 1,
    Review = 2,
    Publish = 3,
}

/// <summary>保密审查结果: one screening run of one content version against one list version.</summary>
public sealed class ScreeningResult
{
    public long Id { get; set; }

    public int RequestId { get; set; }

    public int ContentVersion { get; set; }

    public ScreeningStage Stage { get; set; }

    public string ListVersion { get; set; } = "";

    public string HitsJson { get; set; } = "[]";

    /// <summary>False-positive claims (term and written reason) made with a submission, as JSON.</summary>
    public string OverridesJson { get; set; } = "[]";

    public int BlockedCount { get; set; }

    public int WarningCount { get; set; }

    /// <summary>Whether the action it belonged to went ahead (false: submit or publish refused).</summary>
    public bool Passed { get; set; }

    public int? ActorId { get; set; }

    public DateTimeOffset At { get; set; }
}

/// <summary>Text extracted from a stored file, once per SHA-256, so rescans do not parse files again.</summary>
public sealed class AttachmentText
{
    public string Sha256 { get; set; } = "";

    /// <summary>JSON array of parts: {label, text}; a PDF has one part per page.</summary>
    public string PartsJson { get; set; } = "[]";

    /// <summary>A resource key when extraction failed or was cut short (Screening.Extract.*), else null.</summary>
    public string? Note { get; set; }

    public DateTimeOffset ExtractedAt { get; set; }
}

public static class ScreeningCategories
{
    public const string SecrecyMark = BuiltInTerms.SecrecyMarkCategory;
    public const string Sensitive = "Sensitive";
    public const string Custom = "Custom";

    public static readonly IReadOnlyList<string> All = [SecrecyMark, Sensitive, Custom];
}

internal sealed class WordListConfiguration : IEntityTypeConfiguration<WordList>
{
    public void Configure(EntityTypeBuilder<WordList> b)
    {
        b.Property(l => l.Name).HasMaxLength(100);
        b.Property(l => l.Category).HasMaxLength(40);
        b.HasIndex(l => l.Name).IsUnique();
        b.HasMany(l => l.Terms).WithOne().HasForeignKey(t => t.WordListId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TermConfiguration : IEntityTypeConfiguration<Term>
{
    public void Configure(EntityTypeBuilder<Term> b)
    {
        b.Property(t => t.Text).HasMaxLength(100);
        b.Property(t => t.Category).HasMaxLength(40);
        b.Property(t => t.Level).HasConversion<string>().HasMaxLength(10);
        b.HasIndex(t => new { t.WordListId, t.Text }).IsUnique();
    }
}

internal sealed class WordListRevisionConfiguration : IEntityTypeConfiguration<WordListRevision>
{
    public void Configure(EntityTypeBuilder<WordListRevision> b)
    {
        b.HasIndex(r => r.Number).IsUnique();
        b.Property(r => r.ActorName).HasMaxLength(100);
        b.Property(r => r.Summary).HasMaxLength(1000);
    }
}

internal sealed class ScreeningResultConfiguration : IEntityTypeConfiguration<ScreeningResult>
{
    public void Configure(EntityTypeBuilder<ScreeningResult> b)
    {
        b.Property(r => r.Stage).HasConversion<string>().HasMaxLength(10);
        b.Property(r => r.ListVersion).HasMaxLength(40);
        b.HasIndex(r => new { r.RequestId, r.Id });
        // The foreign key to the request is configured by Requests (ADR 0059): screening knows no request type.
    }
}

internal sealed class AttachmentTextConfiguration : IEntityTypeConfiguration<AttachmentText>
{
    public void Configure(EntityTypeBuilder<AttachmentText> b)
    {
        b.HasKey(t => t.Sha256);
        b.Property(t => t.Sha256).HasMaxLength(64);
        b.Property(t => t.Note).HasMaxLength(100);
        // The secrecy officer's worklist starts from the few files with a blocking note (ManualFileReviewService.PendingAsync).
        b.HasIndex(t => t.Note);
    }
}
