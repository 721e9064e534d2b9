using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using InfoPortal.Features.Columns;

namespace InfoPortal.Features.Requests;

/// <summary>A target column of a request.</summary>
public sealed class RequestColumn
{
    public int RequestId { get; set; }

    public int ColumnId { get; set; }
}

/// <summary>稿件版本: one saved state of the form, frozen as canonical JSON with its SHA-256.</summary>
public sealed class ContentVersionRecord
{
    public int Id { get; set; }

    public int RequestId { get; set; }

    public int Number { get; set; }

    public string SnapshotJson { get; set; } = "";

    public string Sha256 { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public int? CreatedById { get; set; }

    public ContentSnapshot Snapshot => ContentSnapshot.FromJson(SnapshotJson);
}

/// <summary>Exactly what a signature covers: every field of the form and the attachments by hash.</summary>
public sealed record ContentSnapshot(
    string Title, string BodyHtml, string Source, ContentKind Kind, Importance Importance, DateOnly EventDate,
    IReadOnlyList<int> ColumnIds, bool DeclarationAccepted, IReadOnlyList<SnapshotAttachment> Attachments,
    // 涉及部门 and 内部事项 (ADR 0046) are signed too; left out when empty, so every hash signed before them stands.
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<int>? InvolvedDepartmentIds = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)] bool InternalMatter = false)
{
    private static readonly JsonSerializerOptions Canonical = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static ContentSnapshot From(RequestContent content, IEnumerable<Attachment> attachments) =>
        new(content.Title, content.BodyHtml, content.Source, content.Kind, content.Importance, content.EventDate,
            [.. content.ColumnIds.Distinct().Order()], content.DeclarationAccepted,
            [.. attachments.OrderBy(a => a.Id).Select(a => new SnapshotAttachment(a.Id, a.Sha256, a.FileName, a.ContentType, a.Size, a.Caption))],
            content.InvolvedDepartmentIds is { Count: > 0 } involved ? [.. involved.Distinct().Order()] : null, content.InternalMatter);

    public string ToJson() => JsonSerializer.Serialize(this, Canonical);

    public static ContentSnapshot FromJson(string json) => JsonSerializer.Deserialize<ContentSnapshot>(json, Canonical)!;

    public string Sha256() => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(ToJson())));
}

public sealed record SnapshotAttachment(int Id, string Sha256, string FileName, string ContentType, long Size, string? Caption);

/// <summary>审核意见 / 签字: one reviewer's approve or return at one step, signed over a content hash.</summary>
public sealed class Decision
{
    public int Id { get; set; }

    public int RequestId { get; set; }

    public int Round { get; set; }

    public int StepIndex { get; set; }

    public string StepKey { get; set; } = "";

    public string Role { get; set; } = "";

    public int ReviewerId { get; set; }

    public string ReviewerName { get; set; } = "";

    public int? ReviewerDepartmentId { get; set; }

    public DecisionOutcome Outcome { get; set; }

    public string Opinion { get; set; } = "";

    public DateTimeOffset DecidedAt { get; set; }

    /// <summary>When the step this decision closes began (submission or the previous approval); the statistics measure review time from it.</summary>
    public DateTimeOffset? StepStartedAt { get; set; }

    public int ContentVersion { get; set; }

    public string ContentSha256 { get; set; } = "";

    /// <summary>The reviewer acknowledged screening warnings in writing before approving.</summary>
    public bool AcknowledgedWarnings { get; set; }

    /// <summary>上级审批 evidence (制度 第十条), on the provincial-approval step's approval only: 批准机关.</summary>
    public string? ApprovingAuthority { get; set; }

    /// <summary>批准文号.</summary>
    public string? ApprovalNumber { get; set; }

    /// <summary>The date on the higher authority's approval.</summary>
    public DateOnly? ApprovalDate { get; set; }

    /// <summary>The scan of the approval in the file store (SHA-256), and its file name.</summary>
    public string? ApprovalScanSha256 { get; set; }

    public string? ApprovalScanName { get; set; }
}

/// <summary>
/// What the office director records for the higher authority's approval (制度 第十条(二)1):
/// the authority, its document number, the date and a scan already in the file store.
/// </summary>
public sealed record ProvincialEvidence(string? Authority, string? Number, DateOnly? Date, string? ScanSha256, string? ScanName)
{
    public const int MaxLength = 200;

    /// <summary>Every missing or invalid field at once (field → message key); empty when complete.</summary>
    public static Dictionary<string, string[]> Errors(ProvincialEvidence? evidence, string? opinion, DateOnly today)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(opinion))
        {
            errors["opinion"] = ["Review.Provincial.OpinionRequired"];
        }

        if (string.IsNullOrWhiteSpace(evidence?.Authority) || evidence.Authority.Trim().Length > MaxLength)
        {
            errors["approvingAuthority"] = ["Review.Provincial.AuthorityRequired"];
        }

        if (string.IsNullOrWhiteSpace(evidence?.Number) || evidence.Number.Trim().Length > MaxLength)
        {
            errors["approvalNumber"] = ["Review.Provincial.NumberRequired"];
        }

        if (evidence?.Date is not { } date || date > today)
        {
            errors["approvalDate"] = ["Review.Provincial.DateRequired"];
        }

        if (string.IsNullOrWhiteSpace(evidence?.ScanSha256))
        {
            errors["scan"] = ["Review.Provincial.ScanRequired"];
        }

        return errors;
    }
}

/// <summary>附件 / 图片: a stored file (by SHA-256) belonging to a request; images carry a caption.</summary>
public sealed class Attachment
{
    public int Id { get; set; }

    public int RequestId { get; set; }

    public string Sha256 { get; set; } = "";

    public string FileName { get; set; } = "";

    public string ContentType { get; set; } = "";

    public long Size { get; set; }

    public string? Caption { get; set; }

    public bool IsImage => ContentType.StartsWith("image/", StringComparison.Ordinal);

    public bool IsVideo => ContentType.StartsWith("video/", StringComparison.Ordinal);

    public bool IsRemoved { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public int? CreatedById { get; set; }
}

/// <summary>发布: a request live in one column.</summary>
public sealed class Publication
{
    public int Id { get; set; }

    public int RequestId { get; set; }

    public int ColumnId { get; set; }

    public Site Site { get; set; }

    public DateTimeOffset PublishedAt { get; set; }

    public int ContentVersion { get; set; }

    public DateTimeOffset? TakenDownAt { get; set; }
}
