using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InfoPortal.Features.Archive;

/// <summary>
/// 永久保留: an immutable record made when an item is published or taken down — the exact content
/// version (by SHA-256), its attachments by hash, the approval chain and the screening result as
/// canonical JSON, and the rendered 申请表 PDF in the file store (by SHA-256). Records form a hash
/// chain like the audit log (<see cref="PreviousHash"/>, <see cref="Hash"/>); database triggers
/// refuse UPDATE and DELETE, and nothing in the app offers either.
/// </summary>
public sealed class ArchiveRecord
{
    public long Id { get; set; }

    /// <summary>Gap-free and unique: two writers can never fork the chain.</summary>
    public long Sequence { get; set; }

    public ArchiveKind Kind { get; set; }

    public int RequestId { get; set; }

    public int DepartmentId { get; set; }

    public string Title { get; set; } = "";

    public int ContentVersion { get; set; }

    public string ContentSha256 { get; set; } = "";

    /// <summary>The content version's canonical snapshot JSON (what the signatures cover).</summary>
    public string ContentJson { get; set; } = "";

    /// <summary>JSON array of <see cref="ArchivedFile"/>: each attachment by SHA-256 with its name and caption.</summary>
    public string AttachmentsJson { get; set; } = "[]";

    /// <summary>Canonical JSON of every decision (round, step, role, reviewer, outcome, opinion, time, hash signed).</summary>
    public string ApprovalChainJson { get; set; } = "[]";

    /// <summary>Canonical JSON of the screening result at archiving time, or null.</summary>
    public string? ScreeningJson { get; set; }

    /// <summary>SHA-256 of the rendered 申请表 PDF stored in the content-addressed file store.</summary>
    public string FormPdfSha256 { get; set; } = "";

    /// <summary>Stored truncated to milliseconds, so every provider returns exactly what was hashed.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    public string PreviousHash { get; set; } = "";

    public string Hash { get; set; } = "";

    public ArchiveRecordData ToData() => new(Sequence, Kind.ToString(), RequestId, DepartmentId, Title, ContentVersion, ContentSha256, ContentJson,
        AttachmentsJson, ApprovalChainJson, ScreeningJson, FormPdfSha256, CreatedAt.UtcTicks, PreviousHash, Hash);

    public string ComputeHash() => ToData().ComputeHash();
}

public enum ArchiveKind
{
    Published = 1,
    TakenDown = 2,
}

public sealed record ArchivedFile(string Sha256, string FileName, string ContentType, long Size, string? Caption);

/// <summary>
/// The hashed fields of a record, also written to an export's manifest so the record hashes can
/// be recomputed offline. Hash = SHA-256 over the length-prefixed fields (previous hash included).
/// </summary>
public sealed record ArchiveRecordData(
    long Sequence, string Kind, int RequestId, int DepartmentId, string Title, int ContentVersion, string ContentSha256, string ContentJson,
    string AttachmentsJson, string ApprovalChainJson, string? ScreeningJson, string FormPdfSha256, long CreatedAtUtcTicks, string PreviousHash, string Hash)
{
    public string ComputeHash()
    {
        var builder = new StringBuilder();
        void Add(string? value)
        {
            value ??= "\u2400";
            builder.Append(value.Length).Append(':').Append(value).Append('|');
        }

        Add(Sequence.ToString(CultureInfo.InvariantCulture));
        Add(Kind);
        Add(RequestId.ToString(CultureInfo.InvariantCulture));
        Add(DepartmentId.ToString(CultureInfo.InvariantCulture));
        Add(Title);
        Add(ContentVersion.ToString(CultureInfo.InvariantCulture));
        Add(ContentSha256);
        Add(ContentJson);
        Add(AttachmentsJson);
        Add(ApprovalChainJson);
        Add(ScreeningJson);
        Add(FormPdfSha256);
        Add(CreatedAtUtcTicks.ToString(CultureInfo.InvariantCulture));
        Add(PreviousHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString())));
    }
}

internal sealed class ArchiveRecordConfiguration : IEntityTypeConfiguration<ArchiveRecord>
{
    public void Configure(EntityTypeBuilder<ArchiveRecord> builder)
    {
        builder.ToTable("ArchiveRecords");
        builder.HasIndex(r => r.Sequence).IsUnique();
        builder.HasIndex(r => new { r.DepartmentId, r.CreatedAt });
        builder.HasIndex(r => r.RequestId);
        builder.Property(r => r.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.Title).HasMaxLength(512);
        builder.Property(r => r.ContentSha256).HasMaxLength(64);
        builder.Property(r => r.FormPdfSha256).HasMaxLength(64);
        builder.Property(r => r.PreviousHash).HasMaxLength(64);
        builder.Property(r => r.Hash).HasMaxLength(64);
    }
}
