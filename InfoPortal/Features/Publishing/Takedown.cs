namespace InfoPortal.Features.Publishing;

/// <summary>停止发布: the immediate removal of an item, its reason, and a frozen snapshot of what was online.</summary>
public sealed class Takedown
{
    public int Id { get; set; }

    public int RequestId { get; set; }

    public DateTimeOffset At { get; set; }

    public int ActorId { get; set; }

    public string ActorName { get; set; } = "";

    public string Reason { get; set; } = "";

    /// <summary>The content snapshot that was online (the published version), as JSON.</summary>
    public string SnapshotJson { get; set; } = "";

    public string ContentSha256 { get; set; } = "";

    /// <summary>The columns it was live in.</summary>
    public string ColumnIds { get; set; } = "";
}
