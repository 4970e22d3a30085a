using System.Net;
using Microsoft.AspNetCore.Components;

namespace Agora.Web.Features.Shop;

/// <summary>
/// Search's highlight fragments (HTML-escaped text with the matches in &lt;em&gt;) as markup: decoded, escaped again
/// whole, and only the &lt;em&gt; tags put back, so nothing but emphasis can reach the page even if a fragment were not
/// escaped as promised.
/// </summary>
public static class Highlights
{
    public static MarkupString ToMarkup(string fragment) =>
        new(WebUtility.HtmlEncode(WebUtility.HtmlDecode(fragment))
            .Replace("&lt;em&gt;", "<mark>", StringComparison.Ordinal)
            .Replace("&lt;/em&gt;", "</mark>", StringComparison.Ordinal));
}
