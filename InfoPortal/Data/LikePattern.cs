namespace InfoPortal.Data;

/// <summary>LIKE / ILIKE patterns with the text taken literally (escape character <c>\</c>).</summary>
public static class LikePattern
{
    /// <summary>"%text%" with <c>\</c>, <c>%</c> and <c>_</c> escaped, for use with <c>ESCAPE '\'</c>.</summary>
    public static string Containing(string text) =>
        "%" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
}
