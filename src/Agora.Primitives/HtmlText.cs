using System.Text;

namespace Agora.Primitives;

/// <summary>HTML escaping for text the services put into HTML (email bodies, search highlights).</summary>
public static class HtmlText
{
    /// <summary>
    /// Escapes the five characters that mean something in HTML text and attribute values, and nothing else: Korean,
    /// accents and symbols stay readable (unlike <c>WebUtility.HtmlEncode</c>, which also encodes Latin-1 characters).
    /// </summary>
    public static string Escape(string value)
    {
        if (value.AsSpan().IndexOfAny("&<>\"'") < 0)
        {
            return value;
        }

        var sb = new StringBuilder(value.Length + 16);
        foreach (var c in value)
        {
            _ = c switch
            {
                '&' => sb.Append("&amp;"),
                '<' => sb.Append("&lt;"),
                '>' => sb.Append("&gt;"),
                '"' => sb.Append("&quot;"),
                '\'' => sb.Append("&#39;"),
                _ => sb.Append(c),
            };
        }

        return sb.ToString();
    }
}
