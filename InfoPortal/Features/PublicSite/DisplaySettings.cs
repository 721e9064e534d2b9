namespace InfoPortal.Features.PublicSite;

/// <summary>
/// Ageing-friendly display (GB/T 37668 spirit): larger text and a high-contrast scheme for the
/// public pages, remembered in cookies and switched by plain links — no script needed.
/// </summary>
public static class DisplaySettings
{
    public const string SizeCookie = "ip-text-size";
    public const string ContrastCookie = "ip-contrast";

    public static IEndpointRouteBuilder MapDisplaySettings(this IEndpointRouteBuilder app)
    {
        app.MapGet("/display/set", (HttpContext http, string? size, string? contrast, string? redirectUri) =>
        {
            var options = new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true };
            if (size is "large" or "normal") http.Response.Cookies.Append(SizeCookie, size, options);
            if (contrast is "high" or "normal") http.Response.Cookies.Append(ContrastCookie, contrast, options);
            return Results.LocalRedirect(Infrastructure.Web.LocalUrl.OrDefault(redirectUri));
        }).AllowAnonymous();
        return app;
    }
}
