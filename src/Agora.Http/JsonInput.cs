using System.Text.Json;

namespace Agora.Http;

/// <summary>
/// Checks a JSON request body for what System.Text.Json lets through to the handler but the handler (or the database)
/// cannot take: bytes that are not UTF-8, a string escape that is not UTF-16 (a lone surrogate such as <c>\ud800</c>),
/// and an object naming the same member twice. Each would otherwise surface later as an exception (a 500) in a merge
/// patch, a <c>JsonNode</c>, or the database driver; and a duplicate member is read one way here and maybe another
/// way by a proxy in front. Malformed JSON is left to the binder, which reports it as before.
/// </summary>
public static class JsonInput
{
    /// <summary>Nesting beyond this is left to the binder, whose limit (64) is lower.</summary>
    private const int MaxDepth = 256;

    /// <summary>
    /// Null when <paramref name="utf8"/> is acceptable (or not JSON at all: the binder says so); else the field
    /// (<c>$</c> for the whole body) and what is wrong.
    /// </summary>
    public static FieldError? FindProblem(ReadOnlySpan<byte> utf8)
    {
        if (!System.Text.Unicode.Utf8.IsValid(utf8))
        {
            return new FieldError("$", "The body is not valid UTF-8.");
        }

        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth });
        var names = new Stack<(HashSet<string> Seen, string Path)>();
        var path = "$";
        string? property = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        names.Push((new HashSet<string>(StringComparer.Ordinal), path = Child(names, path, property)));
                        property = null;
                        break;
                    case JsonTokenType.StartArray:
                        names.Push(([], path = Child(names, path, property) + "[]"));
                        property = null;
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        names.Pop();
                        path = names.Count > 0 ? names.Peek().Path : "$";
                        property = null;
                        break;
                    case JsonTokenType.PropertyName:
                        if (!TryGetString(ref reader, out property))
                        {
                            return new FieldError(path, "A member name is not valid UTF-16 (a lone surrogate escape).");
                        }

                        if (!names.Peek().Seen.Add(property))
                        {
                            return new FieldError(Child(names, path, property), "This member appears more than once in its object.");
                        }

                        break;
                    case JsonTokenType.String:
                        if (reader.ValueIsEscaped && !TryGetString(ref reader, out _))
                        {
                            return new FieldError(Child(names, path, property), "Not valid UTF-16 text (a lone surrogate escape).");
                        }

                        property = null;
                        break;
                    default:
                        property = null;
                        break;
                }
            }
        }
        catch (JsonException)
        {
            return null; // malformed: the binder reports it with its position
        }

        return null;
    }

    private static string Child(Stack<(HashSet<string> Seen, string Path)> names, string path, string? property) =>
        property is null ? path : names.Count == 0 ? "$" : path == "$" ? property : $"{path}.{property}";

    private static bool TryGetString(ref Utf8JsonReader reader, out string value)
    {
        try
        {
            value = reader.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            value = "";
            return false;
        }
    }

    /// <summary>True for <c>application/json</c> and <c>application/*+json</c>, with any parameters.</summary>
    public static bool IsJsonMediaType(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }

        var media = contentType.AsSpan();
        var semicolon = media.IndexOf(';');
        if (semicolon >= 0)
        {
            media = media[..semicolon];
        }

        media = media.Trim();
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (media.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && media.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }
}
