namespace InfoPortal.Features.Columns;

/// <summary>外网 (the public website) or 内网 (the intranet site, signed-in users only).</summary>
public enum Site
{
    External = 1,
    Internal = 2,
}

/// <summary>栏目: a section of one site, in a tree. Kept by the Publisher; retired, never deleted.</summary>
public sealed class Column
{
    public int Id { get; set; }

    public Site Site { get; set; }

    public int? ParentId { get; set; }

    public string Name { get; set; } = "";

    public int SortOrder { get; set; }

    public bool IsRetired { get; set; }

    /// <summary>A column with no new item for this many days is "stale" (rules.md §1 第三条).</summary>
    public int StaleAfterDays { get; set; } = 30;

    /// <summary>The department that keeps the column filled; told when it goes stale.</summary>
    public int? ResponsibleDepartmentId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// Column <see cref="Source"/> is being merged into <see cref="Target"/>: whatever is filed under the source
/// moves to the target in the merge's transaction (handled by <see cref="Data.IInTransactionHandler{TEvent}"/>s, ADR 0059).
/// </summary>
public sealed record ColumnMerged(int Source, int Target);
