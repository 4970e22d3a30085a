using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Agora.Notification.Features.Templates;

/// <summary>
/// <c>{{name}}</c> placeholders: checked when a template is saved (unknown names and stray braces are refused) and filled
/// when a notification is sent. Values are HTML-escaped into email bodies, so a customer's name cannot inject markup.
/// </summary>
public static partial class TemplateText
{
    [GeneratedRegex(@"\{\{\s*([^{}]*?)\s*\}\}", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Token();

    /// <summary>What is wrong with <paramref name="text"/>'s placeholders; empty when nothing.</summary>
    public static IReadOnlyList<string> Problems(string text, IReadOnlySet<string> allowed)
    {
        var problems = new List<string>();
        foreach (Match m in Token().Matches(text))
        {
            var name = m.Groups[1].Value;
            if (!allowed.Contains(name))
            {
                problems.Add($"Unknown placeholder {{{{{Clip(name)}}}}}; this event has {string.Join(", ", allowed.Order(StringComparer.Ordinal).Select(a => "{{" + a + "}}"))}.");
            }
        }

        var rest = Token().Replace(text, "");
        if (rest.Contains("{{", StringComparison.Ordinal) || rest.Contains("}}", StringComparison.Ordinal))
        {
            problems.Add("Unbalanced braces: write placeholders as {{name}}.");
        }

        return problems;
    }

    /// <summary>Fills the placeholders; <paramref name="html"/> escapes every value for an HTML body.</summary>
    public static string Render(string text, IReadOnlyDictionary<string, string> values, bool html) =>
        Token().Replace(text, m =>
        {
            var value = values.TryGetValue(m.Groups[1].Value, out var v) ? v : "";
            return html ? HtmlText.Escape(value) : value;
        });

    /// <summary>
    /// A notification's subject and body filled with <paramref name="values"/>: values are HTML-escaped into an email's
    /// body, never into a subject, an SMS or a push (what is sent and what the preview shows come from here).
    /// </summary>
    public static (string? Subject, string Body) Fill(string? subject, string body, NotificationChannel channel, IReadOnlyDictionary<string, string> values) =>
        (subject is null ? null : Render(subject, values, html: false), Render(body, values, html: channel == NotificationChannel.Email));

    /// <summary>A plain-text rendering of an HTML body, for the email's text/plain alternative.</summary>
    public static string HtmlToText(string html)
    {
        var text = BlockEnd().Replace(html, "\n");
        text = Tag().Replace(text, "");
        text = WebUtility.HtmlDecode(text);
        var lines = text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0);
        return string.Join("\n", lines);
    }

    /// <summary>A subject is one header line.</summary>
    public static string OneLine(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            sb.Append(char.IsControl(c) ? ' ' : c);
        }

        return sb.ToString().Trim();
    }

    [GeneratedRegex(@"<br\s*/?>|</(p|div|h[1-6]|li|tr|table)>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex BlockEnd();

    [GeneratedRegex("<[^>]*>", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Tag();

    private static string Clip(string name) => name.Length <= 40 ? name : name[..40] + "…";
}
