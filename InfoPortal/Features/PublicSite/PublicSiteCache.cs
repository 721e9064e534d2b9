using System.Globalization;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;

namespace InfoPortal.Features.PublicSite;

/// <summary>
/// The public website's rendered pages live in ASP.NET Core output caching under tags
/// (ADR 0028): <c>home</c>, <c>column:{id}</c>, <c>article:{id}</c>, <c>interaction</c>, and
/// <c>public-site</c> on every page (the navigation shows every column, so a column change
/// evicts them all). Only anonymous GET/HEAD answers with status 200 are stored; search result
/// pages are not cached.
/// <para>
/// <see cref="EvictAsync"/> is the one door through which changes reach the cache. It is called
/// after the commit (<see cref="PublicSiteCacheInterceptor"/>); on several instances the cluster
/// signal (ADR 0021 §4) routes the same tags to every instance's <see cref="EvictAsync"/>.
/// </para>
/// </summary>
public sealed class PublicSiteCache(IOutputCacheStore store, ILogger<PublicSiteCache> logger)
{
    public const string PolicyName = "PublicSite";

    /// <summary>On every cached public page.</summary>
    public const string AllTag = "public-site";

    public const string HomeTag = "home";

    public const string InteractionTag = "interaction";

    public static string ArticleTag(int requestId) => $"article:{requestId}";

    public static string ColumnTag(int columnId) => $"column:{columnId}";

    /// <summary>Removes every cached page carrying one of <paramref name="tags"/> from this instance.</summary>
    public async Task EvictAsync(IEnumerable<string> tags, CancellationToken cancellationToken = default)
    {
        foreach (var tag in tags.Distinct(StringComparer.Ordinal))
        {
            await store.EvictByTagAsync(tag, cancellationToken);
        }

        logger.LogDebug("Public site cache evicted {Tags}", string.Join(' ', tags));
    }

    /// <summary>
    /// For the razor component endpoints: a page answers HEAD like GET (Blazor maps GET and POST
    /// only, so HEAD fell through to the sign-in redirect).
    /// </summary>
    public static void EndpointConvention(EndpointBuilder endpoint)
    {
        if (endpoint.Metadata.OfType<IHttpMethodMetadata>().LastOrDefault() is { } methods
            && methods.HttpMethods.Contains(HttpMethods.Get, StringComparer.OrdinalIgnoreCase)
            && !methods.HttpMethods.Contains(HttpMethods.Head, StringComparer.OrdinalIgnoreCase))
        {
            endpoint.Metadata.Add(new HttpMethodMetadata([.. methods.HttpMethods, HttpMethods.Head], methods.AcceptCorsPreflight));
        }
    }
}

/// <summary>The output-cache policy of the public pages; tags come from the path.</summary>
internal sealed class PublicSitePolicy : IOutputCachePolicy
{
    /// <summary>A safety net only: every change evicts its tags at once.</summary>
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private const string AntiforgeryCookiePrefix = ".AspNetCore.Antiforgery.";

    ValueTask IOutputCachePolicy.CacheRequestAsync(OutputCacheContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var request = http.Request;
        var cacheable = (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            && http.User.Identity?.IsAuthenticated != true
            && string.IsNullOrEmpty(request.Headers.Authorization);

        context.EnableOutputCaching = true;
        context.AllowCacheLookup = cacheable;
        context.AllowCacheStorage = cacheable;
        context.AllowLocking = true;
        context.ResponseExpirationTimeSpan = Lifetime;
        context.CacheVaryByRules.QueryKeys = "*";

        // What else changes the markup of an anonymous page: language, text size, contrast.
        var culture = http.Features.Get<IRequestCultureFeature>()?.RequestCulture.UICulture.Name ?? CultureInfo.CurrentUICulture.Name;
        var display = $"{culture}|{request.Cookies[DisplaySettings.SizeCookie]}|{request.Cookies[DisplaySettings.ContrastCookie]}";
        context.CacheVaryByRules.VaryByValues["ui"] = display;

        if (cacheable)
        {
            // With an interactive render mode configured, Blazor persists component state and an
            // antiforgery token into every static page and sets the antiforgery cookie, although
            // these pages hold no form that posts and load no script. The cookie would make the page
            // uncacheable; it is dropped just before the headers go out (a form page sets its own).
            http.Response.OnStarting(static state =>
            {
                var response = (HttpResponse)state;
                var cookies = response.Headers.SetCookie;
                if (!StringValues.IsNullOrEmpty(cookies))
                {
                    response.Headers.SetCookie = new StringValues([.. cookies.Where(c => c is not null && !c.StartsWith(AntiforgeryCookiePrefix, StringComparison.Ordinal))]);
                }

                return Task.CompletedTask;
            }, http.Response);
        }

        context.Tags.Add(PublicSiteCache.AllTag);
        foreach (var tag in TagsOf(request.Path))
        {
            context.Tags.Add(tag);
        }

        return ValueTask.CompletedTask;
    }

    ValueTask IOutputCachePolicy.ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    ValueTask IOutputCachePolicy.ServeResponseAsync(OutputCacheContext context, CancellationToken cancellationToken)
    {
        var response = context.HttpContext.Response;
        if (!context.AllowCacheStorage)
        {
            return ValueTask.CompletedTask;
        }

        // Any other cookie belongs to one visitor; a Gone, NotFound or redirect answer is not kept.
        if (!StringValues.IsNullOrEmpty(response.Headers.SetCookie) || response.StatusCode != StatusCodes.Status200OK)
        {
            context.AllowCacheStorage = false;
        }

        return ValueTask.CompletedTask;
    }

    internal static IEnumerable<string> TagsOf(PathString path)
    {
        var segments = (path.Value ?? "/").Trim('/').Split('/');
        switch (segments)
        {
            case [""]:
                yield return PublicSiteCache.HomeTag;
                break;
            case ["articles", var id] when int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var article):
                yield return PublicSiteCache.ArticleTag(article);
                break;
            case ["columns", var id] when int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var column):
                yield return PublicSiteCache.ColumnTag(column);
                break;
            case ["interaction", ..]:
                yield return PublicSiteCache.InteractionTag;
                break;
        }
    }
}

/// <summary>
/// An entity of another feature that public pages show (the public message list): saving a change to it
/// evicts <see cref="PublicCacheTag"/> on every instance. The feature that owns the entity implements it,
/// so the public site needs to know no feature above it (ADR 0057).
/// </summary>
public interface IShownOnPublicPages
{
    string PublicCacheTag { get; }
}
