namespace InfoPortal.Features.Accounts;

/// <summary>部门 / 股室: an organisational unit with a head.</summary>
public sealed class Department
{
    public int Id { get; set; }

    public string Name { get; set; } = "";

    /// <summary>The department head (部门负责人), one of its members; null until named.</summary>
    public int? HeadUserId { get; set; }

    public int SortOrder { get; set; }

    public bool IsActive { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }
}
