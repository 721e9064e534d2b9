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
    IReadOnlyList<int> ColumnIds, bool DeclarationAccepted, IReadOnlyList<SnapshotAttachment> Attachments)
{
    private static readonly JsonSerializerOptions Canonical = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static ContentSnapshot From(RequestContent content, IEnumerable<Attachment> attachments) =>
        new(content.Title, content.BodyHtml, content.Source, content.Kind, content.Importance, content.EventDate,
            [.. content.ColumnIds.Distinct().Order()], content.DeclarationAccepted,
            [.. attachments.OrderBy(a => a.Id).Select(a => new SnapshotAttachment(a.Id, a.Sha256, a.FileName, a.ContentType, a.Size, a.Caption))]);

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
