using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Agora.Testing.Contracts;

/// <summary>
/// Compares a live OpenAPI document with the published one and lists what would break a client written against
/// the published one: a path, operation, parameter, request body, response status, media type or schema property
/// that disappeared or changed type, a parameter, body or request property that became required, and a response
/// property that is no longer always present.
/// Additions (new paths, operations, optional parameters, responses, properties) are not breaking.
/// </summary>
public static class OpenApiContract
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    /// <summary>The breaking changes from <paramref name="published"/> to <paramref name="live"/>; empty when compatible.</summary>
    public static IReadOnlyList<string> FindBreakingChanges(JsonNode published, JsonNode live)
    {
        var checker = new Checker(published, live);
        checker.ComparePaths();
        return checker.Problems;
    }

    /// <summary>
    /// The committed form of a document: keys sorted ordinally at every level (so the generator's ordering never
    /// shows up as a change), two-space indentation, LF line ends and a final newline.
    /// </summary>
    public static string Canonicalize(JsonNode document)
    {
        var text = Sorted(document)!.ToJsonString(new JsonSerializerOptions
        {
            WriteIndented = true,
            IndentSize = 2,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // a file for people to read, never embedded in HTML
        });
        return text.ReplaceLineEndings("\n") + "\n";
    }

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Sorted).ToArray()),
        _ => node?.DeepClone(),
    };

    private sealed class Checker(JsonNode published, JsonNode live)
    {
        public List<string> Problems { get; } = [];

        // Each pair of schemas is compared once: recursive schemas ($ref cycles) end, and a shared one is reported once.
        private readonly HashSet<(string Old, string New, Direction Direction)> _seen = [];

        public void ComparePaths()
        {
            var livePaths = live["paths"] as JsonObject;
            foreach (var (path, oldItem) in Object(published["paths"]))
            {
                if (livePaths?[path] is not JsonObject newItem)
                {
                    Problems.Add($"{path}: path removed");
                    continue;
                }

                foreach (var method in Methods)
                {
                    if (oldItem?[method] is not JsonObject oldOp)
                    {
                        continue;
                    }

                    var where = $"{method.ToUpperInvariant()} {path}";
                    if (newItem[method] is not JsonObject newOp)
                    {
                        Problems.Add($"{where}: operation removed");
                        continue;
                    }

                    CompareParameters(where, Parameters(published, oldItem, oldOp), Parameters(live, newItem, newOp));
                    CompareRequestBody(where, oldOp["requestBody"], newOp["requestBody"]);
                    CompareResponses(where, Object(oldOp["responses"]), Object(newOp["responses"]));
                }
            }
        }

        private void CompareParameters(string where, Dictionary<string, JsonNode> old, Dictionary<string, JsonNode> now)
        {
            foreach (var (key, oldParam) in old)
            {
                if (!now.TryGetValue(key, out var newParam))
                {
                    Problems.Add($"{where}: parameter {key} removed");
                    continue;
                }

                if (!IsRequired(oldParam) && IsRequired(newParam))
                {
                    Problems.Add($"{where}: parameter {key} became required");
                }

                CompareSchema($"{where}: parameter {key}", oldParam["schema"], newParam["schema"], Direction.Request);
            }

            foreach (var (key, newParam) in now)
            {
                if (!old.ContainsKey(key) && IsRequired(newParam))
                {
                    Problems.Add($"{where}: new parameter {key} is required");
                }
            }
        }

        private void CompareRequestBody(string where, JsonNode? oldBody, JsonNode? newBody)
        {
            oldBody = Resolve(published, oldBody);
            newBody = Resolve(live, newBody);
            if (oldBody is null)
            {
                if (newBody is not null && IsRequired(newBody))
                {
                    Problems.Add($"{where}: a request body became required");
                }

                return;
            }

            if (newBody is null)
            {
                Problems.Add($"{where}: request body removed");
                return;
            }

            if (!IsRequired(oldBody) && IsRequired(newBody))
            {
                Problems.Add($"{where}: request body became required");
            }

            CompareContent($"{where}: request body", oldBody["content"], newBody["content"], Direction.Request);
        }

        private void CompareResponses(string where, JsonObject old, JsonObject now)
        {
            foreach (var (status, oldResponse) in old)
            {
                var newResponse = Resolve(live, now[status]);
                if (newResponse is null)
                {
                    Problems.Add($"{where}: response {status} removed");
                    continue;
                }

                CompareContent($"{where}: response {status}", Resolve(published, oldResponse)?["content"], newResponse["content"], Direction.Response);
            }
        }

        private void CompareContent(string where, JsonNode? old, JsonNode? now, Direction direction)
        {
            foreach (var (mediaType, oldMedia) in Object(old))
            {
                if (now?[mediaType] is not JsonObject newMedia)
                {
                    Problems.Add($"{where}: media type {mediaType} removed");
                    continue;
                }

                CompareSchema($"{where} ({mediaType})", oldMedia?["schema"], newMedia["schema"], direction);
            }
        }

        private void CompareSchema(string where, JsonNode? oldSchema, JsonNode? newSchema, Direction direction)
        {
            if (oldSchema is null)
            {
                return;
            }

            var old = Unwrap(published, oldSchema);
            var now = Unwrap(live, newSchema);
            if (old is null)
            {
                return; // a dangling reference in the published file: nothing to hold the code to
            }

            if (now is null)
            {
                Problems.Add($"{where}: schema removed");
                return;
            }

            if (!_seen.Add((old.GetPath(), now.GetPath(), direction)))
            {
                return;
            }

            // Name the component, since a shared schema's problems are reported at the first place that uses it.
            const string Components = "$.components.schemas.";
            if (old.GetPath() is var path && path.StartsWith(Components, StringComparison.Ordinal)
                && path[Components.Length..] is var component && component.IndexOfAny(['.', '[']) < 0)
            {
                where += $" [{component}]";
            }

            var oldType = TypeOf(old);
            var newType = TypeOf(now);
            if (oldType is not null && oldType != newType)
            {
                Problems.Add($"{where}: type changed from {oldType} to {newType ?? "any"}");
                return;
            }

            var newProperties = Object(now["properties"]);
            foreach (var (name, oldProperty) in Object(old["properties"]))
            {
                if (newProperties[name] is not { } newProperty)
                {
                    Problems.Add($"{where}: property {name} removed");
                    continue;
                }

                CompareSchema($"{where}.{name}", oldProperty, newProperty, direction);
            }

            var oldRequired = Strings(old["required"]);
            var newRequired = Strings(now["required"]);
            if (direction == Direction.Request)
            {
                foreach (var name in newRequired.Where(n => !oldRequired.Contains(n)).Order(StringComparer.Ordinal))
                {
                    Problems.Add($"{where}: property {name} became required");
                }
            }
            else
            {
                foreach (var name in oldRequired.Where(n => !newRequired.Contains(n) && newProperties.ContainsKey(n)).Order(StringComparer.Ordinal))
                {
                    Problems.Add($"{where}: property {name} is no longer always present");
                }
            }

            if (old["items"] is { } oldItems)
            {
                CompareSchema($"{where}[]", oldItems, now["items"], direction);
            }
        }

        /// <summary>Follows <c>$ref</c>s, and reads <c>oneOf: [{type: null}, X]</c> (a nullable reference) as X.</summary>
        private static JsonNode? Unwrap(JsonNode document, JsonNode? schema)
        {
            schema = Resolve(document, schema);
            if (schema?["oneOf"] is JsonArray { Count: 2 } choices
                && choices.SingleOrDefault(c => (string?)c?["type"] == "null") is { } nullChoice)
            {
                return Unwrap(document, choices.Single(c => c != nullChoice));
            }

            return schema;
        }

        /// <summary><c>type</c> (without <c>null</c>, which a generator adds and drops freely) plus <c>format</c>: "integer/int32".</summary>
        private static string? TypeOf(JsonNode schema)
        {
            var types = schema["type"] switch
            {
                JsonArray a => a.Select(t => (string?)t).Where(t => t is not null and not "null").Order(StringComparer.Ordinal).ToList(),
                JsonValue v => [(string?)v],
                _ => [],
            };
            if (types.Count == 0)
            {
                return null;
            }

            var format = (string?)schema["format"];
            return string.Join("|", types) + (format is null ? "" : "/" + format);
        }

        private static Dictionary<string, JsonNode> Parameters(JsonNode document, JsonNode pathItem, JsonNode operation)
        {
            var result = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
            foreach (var raw in (pathItem["parameters"] as JsonArray ?? []).Concat(operation["parameters"] as JsonArray ?? []))
            {
                if (Resolve(document, raw) is { } p)
                {
                    // Header names are case-insensitive.
                    var name = (string?)p["in"] == "header" ? ((string?)p["name"])?.ToLowerInvariant() : (string?)p["name"];
                    result[$"{name} (in {(string?)p["in"]})"] = p;
                }
            }

            return result;
        }

        private static JsonNode? Resolve(JsonNode document, JsonNode? node)
        {
            for (var depth = 0; depth < 32 && node?["$ref"] is JsonValue reference; depth++)
            {
                var target = (string)reference!;
                if (!target.StartsWith("#/", StringComparison.Ordinal))
                {
                    return node; // external references are compared as they stand
                }

                node = document;
                foreach (var segment in target[2..].Split('/'))
                {
                    node = node?[segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)];
                }
            }

            return node;
        }

        private static bool IsRequired(JsonNode node) => node["required"] is JsonValue v && v.GetValueKind() == JsonValueKind.True;

        private static JsonObject Object(JsonNode? node) => node as JsonObject ?? [];

        private static HashSet<string> Strings(JsonNode? node) =>
            (node as JsonArray ?? []).Select(n => (string?)n).OfType<string>().ToHashSet(StringComparer.Ordinal);
    }

    private enum Direction
    {
        Request,
        Response,
    }

    /// <summary>A short, line-numbered account of where two texts first differ, for a failure message.</summary>
    public static string FirstDifference(string expected, string actual, int context = 3)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        var line = 0;
        while (line < a.Length && line < b.Length && a[line] == b[line])
        {
            line++;
        }

        var text = new StringBuilder($"first difference at line {line + 1}:\n");
        var from = Math.Max(0, line - context);
        text.AppendLine("  committed:");
        for (var i = from; i < Math.Min(a.Length, line + context + 1); i++)
        {
            text.AppendLine($"    {i + 1,5}{(i == line ? ">" : " ")} {a[i]}");
        }

        text.AppendLine("  live:");
        for (var i = from; i < Math.Min(b.Length, line + context + 1); i++)
        {
            text.AppendLine($"    {i + 1,5}{(i == line ? ">" : " ")} {b[i]}");
        }

        return text.ToString();
    }
}
