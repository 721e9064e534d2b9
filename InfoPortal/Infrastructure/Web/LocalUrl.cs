namespace InfoPortal.Infrastructure.Web;

/// <summary>Redirect targets from a query string: only paths on this site, never another host (open redirects help phishing).</summary>
public static class LocalUrl
{
    public static bool IsLocal(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal);

    public static string OrDefault(string? url, string fallback = "/") => IsLocal(url) ? url! : fallback;
}
