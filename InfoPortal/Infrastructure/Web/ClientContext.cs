namespace InfoPortal.Infrastructure.Web;

/// <summary>
/// The browser's address inside a Blazor circuit, where there is no HttpContext. The prerendered
/// page hands it to the interactive root (Routes) as a protected parameter.
/// </summary>
public sealed class ClientContext
{
    public string? IpAddress { get; set; }
}

public static class StatusCodeExtensions
{
    /// <summary>
    /// Sets the status of a page that renders its own explanation (404, 410), so the
    /// status-code pages middleware does not re-execute the request on top of it.
    /// </summary>
    public static void SetPageStatus(this HttpContext http, int statusCode)
    {
        if (http.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } feature)
        {
            feature.Enabled = false;
        }

        http.Response.StatusCode = statusCode;
    }
}
