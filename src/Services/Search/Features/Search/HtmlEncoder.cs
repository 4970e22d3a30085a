using System.Text;
using Lucene.Net.Search.Highlight;

namespace Agora.Search.Features.Search;

/// <summary>
/// Escapes the five HTML-significant characters of highlighted text and nothing else: Lucene's SimpleHTMLEncoder also
/// turns every non-ASCII character into a numeric entity, which would make Korean unreadable in JSON.
/// </summary>
internal sealed class HtmlEncoder : IEncoder
{
    public static readonly HtmlEncoder Instance = new();

    public string EncodeText(string originalText)
    {
        if (originalText.AsSpan().IndexOfAny("&<>\"'") < 0)
        {
            return originalText;
        }

        var sb = new StringBuilder(originalText.Length + 16);
        foreach (var c in originalText)
        {
            sb.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => c.ToString(),
            });
        }

        return sb.ToString();
    }
}
