using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using InfoPortal.Features.Columns;

namespace InfoPortal.Features.Requests;

/// <summary>A target column of a request.</summary>
public sealed class RequestColumn
{
    public int RequestId { get; init; }

    public int ColumnId { get; init; }
}

/// <summary>稿件版本: one saved state of the form, frozen as canonical JSON with its SHA-256.</summary>
public sealed class ContentVersionRecord
{
    public int Id { get; init; }

    public int RequestId { get; init; }

    public int Number { get; init; }

    public string SnapshotJson { get; init; } = "";

    public string Sha256 { get; init; } = "";

    public DateTimeOffset CreatedAt { get; init; }

    public int? CreatedById { get; init; }

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
    public int Id { get; init; }

    public int RequestId { get; init; }

    public int Round { get; init; }

    public int StepIndex { get; init; }

    public string StepKey { get; init; } = "";

    public string Role { get; init; } = "";

    public int ReviewerId { get; init; }

    public string ReviewerName { get; init; } = "";

    public int? ReviewerDepartmentId { get; init; }

    public DecisionOutcome Outcome { get; init; }

    public string Opinion { get; init; } = "";

    public DateTimeOffset DecidedAt { get; init; }

    /// <summary>When the step this decision closes began (submission or the previous approval); the statistics measure review time from it.</summary>
    public DateTimeOffset? StepStartedAt { get; init; }

    public int ContentVersion { get; init; }

    public string ContentSha256 { get; init; } = "";

    /// <summary>The reviewer acknowledged screening warnings in writing before approving.</summary>
    public bool AcknowledgedWarnings { get; init; }

    /// <summary>上级审批 evidence (制度 第十条), on the provincial-approval step's approval only: 批准机关.</summary>
    public string? ApprovingAuthority { get; internal set; }

    /// <summary>批准文号.</summary>
    public string? ApprovalNumber { get; internal set; }

    /// <summary>The date on the higher authority's approval.</summary>
    public DateOnly? ApprovalDate { get; internal set; }

    /// <summary>The scan of the approval in the file store (SHA-256), and its file name.</summary>
    public string? ApprovalScanSha256 { get; internal set; }

    public string? ApprovalScanName { get; internal set; }
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
public sealed class Attachment : Screening.IScreenedFile
{
    public int Id { get; init; }

    public int RequestId { get; init; }

    public string Sha256 { get; init; } = "";

    public string FileName { get; init; } = "";

    public string ContentType { get; init; } = "";

    public long Size { get; init; }

    public string? Caption { get; init; }

    public bool IsImage => ContentType.StartsWith("image/", StringComparison.Ordinal);

    public bool IsVideo => ContentType.StartsWith("video/", StringComparison.Ordinal);

    public bool IsRemoved { get; internal set; }

    public DateTimeOffset CreatedAt { get; init; }

    public int? CreatedById { get; init; }
}

/// <summary>发布: a request live in one column.</summary>
public sealed class Publication
{
    public int Id { get; init; }

    public int RequestId { get; init; }

    public int ColumnId { get; init; }

    public Site Site { get; init; }

    public DateTimeOffset PublishedAt { get; init; }

    public int ContentVersion { get; init; }

    public DateTimeOffset? TakenDownAt { get; internal set; }
}
