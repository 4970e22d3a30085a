using Agora.Http;
using Agora.Primitives;
using Lucene.Net.Search.Highlight;

namespace Agora.Search.Features.Search;

/// <summary>
/// Escapes the five HTML-significant characters of highlighted text and nothing else (<see cref="HtmlText.Escape"/>):
/// Lucene's SimpleHTMLEncoder also turns every non-ASCII character into a numeric entity, which would make Korean
/// unreadable in JSON.
/// </summary>
internal sealed class HtmlEncoder : IEncoder
{
    public static readonly HtmlEncoder Instance = new();

    public string EncodeText(string originalText) => HtmlText.Escape(originalText);
}
