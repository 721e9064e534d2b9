using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace InfoPortal.Infrastructure.Localization;

/// <summary>zh-CN by default, en-US switchable: a cookie for the UI, Accept-Language for the API.</summary>
public static class LocalizationModule
{
    public static readonly CultureInfo[] Cultures = [new("zh-CN"), new("en-US")];

    public static IServiceCollection AddPortalLocalization(this IServiceCollection services)
    {
        services.AddLocalization(o => o.ResourcesPath = "Resources");

        // Times are shown in the agency's zone, which belongs with the culture they are shown in.
        services.AddSingleton<AgencyClock>();
        services.AddTransient<MudBlazor.MudLocalizer, PortalMudLocalizer>();
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture("zh-CN");
            o.SupportedCultures = Cultures;
            o.SupportedUICultures = Cultures;
            o.FallBackToParentCultures = true;
            o.FallBackToParentUICultures = true;
            o.RequestCultureProviders =
            [
                new QueryStringRequestCultureProvider(),
                new CookieRequestCultureProvider(),
                new AcceptLanguageHeaderRequestCultureProvider(),
            ];
        });
        return services;
    }

    /// <summary><c>GET /culture/set?culture=en-US&amp;redirectUri=/</c>: remembers the language for a year.</summary>
    public static IEndpointRouteBuilder MapCultureSwitch(this IEndpointRouteBuilder app)
    {
        app.MapGet("/culture/set", (string culture, string? redirectUri, HttpContext http) =>
        {
            if (Cultures.Any(c => c.Name == culture))
            {
                http.Response.Cookies.Append(
                    CookieRequestCultureProvider.DefaultCookieName,
                    CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                    new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true });
            }

            return Results.LocalRedirect(Web.LocalUrl.OrDefault(redirectUri));
        }).AllowAnonymous();
        return app;
    }
}
