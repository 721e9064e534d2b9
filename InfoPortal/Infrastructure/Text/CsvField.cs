namespace InfoPortal.Infrastructure.Text;

/// <summary>
/// The one CSV field writer of the portal (audit export, word-list export): RFC 4180 quoting, and a
/// leading = + - @ tab or CR is defused with an apostrophe so a spreadsheet never runs it as a
/// formula (CSV injection). <see cref="Unguard"/> takes the apostrophe off again on import.
/// </summary>
public static class CsvField
{
    /// <summary>The field as written: guarded, and quoted always (<paramref name="always"/>) or only when it holds a comma, quote or line break.</summary>
    public static string Quote(string? value, bool always = true)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (NeedsGuard(value))
        {
            value = "'" + value;
        }

        return always || value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    /// <summary>A field read back from a file this portal wrote: the guard apostrophe removed.</summary>
    public static string Unguard(string value) => value.Length > 1 && value[0] == '\'' && NeedsGuard(value[1..]) ? value[1..] : value;

    private static bool NeedsGuard(string value) => value[0] is '=' or '+' or '-' or '@' or '\t' or '\r';
}
