using Ganss.Xss;

namespace InfoPortal.Infrastructure.Html;

/// <summary>
/// Sanitises rich-text HTML on the server before it is stored or shown: the structure an editor
/// or Word produces (headings, emphasis, lists, tables, links) stays; scripts, event handlers,
/// <c>javascript:</c>, SVG, forms, frames and foreign images go.
/// </summary>
public sealed class HtmlCleaner
{
    private readonly HtmlSanitizer _sanitizer;

    public HtmlCleaner()
    {
        var options = new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "s", "sub", "sup", "span", "div",
                "ul", "ol", "li", "blockquote", "pre", "code", "hr", "a", "img",
                "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup", "col",
            },
            AllowedAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "href", "src", "alt", "title", "colspan", "rowspan", "scope", "style", "width", "height", "start", "type",
            },
            AllowedCssProperties = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "text-align", "text-indent", "color", "background-color", "font-weight", "font-style", "text-decoration",
                "width", "border", "border-collapse", "padding", "vertical-align", "line-height",
            },
            AllowedSchemes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "http", "https", "mailto" },
            UriAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href", "src" },
        };
        _sanitizer = new HtmlSanitizer(options);
        _sanitizer.FilterUrl += (_, e) =>
        {
            // Images only from our own file store: no tracking pixels, no data: payloads.
            if (e.Tag.TagName.Equals("IMG", StringComparison.OrdinalIgnoreCase) &&
                !(e.OriginalUrl.StartsWith("/files/", StringComparison.Ordinal) && !e.OriginalUrl.Contains("..", StringComparison.Ordinal)))
            {
                e.SanitizedUrl = null;
            }
        };
        _sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is AngleSharp.Dom.IElement { TagName: "A" } link)
            {
                link.SetAttribute("rel", "noopener noreferrer");
            }
        };
        _sanitizer.AllowedAttributes.Add("rel");
    }

    public string Clean(string? html) => string.IsNullOrWhiteSpace(html) ? "" : _sanitizer.Sanitize(html).Trim();

    /// <summary>The text of some HTML (for screening, diffs and search), keeping alt text.</summary>
    public static string ToText(string html)
    {
        var parser = new AngleSharp.Html.Parser.HtmlParser();
        using var document = parser.ParseDocument("<body>" + html + "</body>");
        foreach (var image in document.QuerySelectorAll("img[alt]"))
        {
            image.Replace(document.CreateTextNode(" " + image.GetAttribute("alt") + " "));
        }

        foreach (var block in document.QuerySelectorAll("p,div,li,tr,h1,h2,h3,h4,h5,h6,br,blockquote,pre,table"))
        {
            block.Append(document.CreateTextNode("\n"));
        }

        var text = document.Body?.TextContent ?? "";
        return string.Join('\n', text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));
    }
}
