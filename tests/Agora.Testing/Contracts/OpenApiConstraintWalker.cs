using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Agora.Testing.Contracts;

/// <summary>
/// Walks a service's own OpenAPI document and, for every operation with query parameters, required headers or a JSON
/// request body, sends requests that each break exactly one declared constraint: a missing required field, parameter
/// or header, a string over <c>maxLength</c>, a value that does not match <c>pattern</c>, a number outside
/// <c>minimum</c>/<c>maximum</c>, a value not in <c>enum</c>. Each must be refused with 400 or 422 in the error
/// envelope (a 422 naming the field among its details), with a status the operation declares; never a 2xx or a 5xx.
/// A refusal before validation that the operation declares (401, 403, 404, 409, 412, 428) is counted as not reached.
/// Every operation with path parameters is also called with ids that name nothing: its answer (a 404, mostly) must be
/// declared too.
/// </summary>
/// <param name="client">A client already authenticated as someone allowed to call the operations (staff).</param>
/// <param name="document">The service's live document (<see cref="PublishedOpenApi.LiveDocumentAsync"/>).</param>
public sealed class OpenApiConstraintWalker(HttpClient client, JsonNode document)
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];
    private static readonly int[] NotReached = [401, 403, 404, 409, 412, 428];

    /// <summary>Values for path parameters by name (<c>id</c> → a real user id); others get <c>x</c>.</summary>
    public Dictionary<string, string> PathValues { get; } = new(StringComparer.Ordinal);

    /// <summary>Path values for one operation (<c>"PATCH /api/v1/users/{id}"</c>), overriding <see cref="PathValues"/>.</summary>
    public Dictionary<string, Dictionary<string, string>> OperationPathValues { get; } = new(StringComparer.Ordinal);

    /// <summary>Operations not to walk (<c>"POST /api/v1/admin/dead-letters/replay"</c>), each with the reason in the test.</summary>
    public HashSet<string> Skip { get; } = new(StringComparer.Ordinal);

    /// <summary>Values the walker cannot guess for a valid baseline body, by property name (<c>category_id</c>).</summary>
    public Dictionary<string, JsonNode> ValidValues { get; } = new(StringComparer.Ordinal);

    /// <summary>What each check found; <see cref="Failures"/> lists the broken ones.</summary>
    public List<string> Log { get; } = [];

    /// <summary>Checks whose answer broke the contract.</summary>
    public List<string> Failures { get; } = [];

    /// <summary>Checks that reached validation and were refused as they should be.</summary>
    public int Enforced { get; private set; }

    /// <summary>Walks every operation; then assert <see cref="Failures"/> is empty.</summary>
    public async Task WalkAsync()
    {
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var method in Methods)
            {
                if (item?[method] is not JsonObject operation)
                {
                    continue;
                }

                var name = $"{method.ToUpperInvariant()} {path}";
                if (!Skip.Contains(name))
                {
                    await WalkOperationAsync(name, method, path, operation);
                }
            }
        }
    }

    /// <summary>Fails listing every broken check, and when nothing at all reached validation.</summary>
    public void AssertEnforced()
    {
        Assert.True(Failures.Count == 0,
            $"{Failures.Count} declared constraint(s) not enforced as the contract says:\n  - " + string.Join("\n  - ", Failures));
        Assert.True(Enforced > 0, "No check reached validation:\n  " + string.Join("\n  ", Log));
    }

    private async Task WalkOperationAsync(string name, string method, string path, JsonObject operation)
    {
        var parameters = (operation["parameters"] as JsonArray ?? []).Select(p => Resolve(p)).OfType<JsonObject>().ToList();
        var query = parameters.Where(p => (string?)p["in"] == "query").ToList();
        var headers = parameters.Where(p => (string?)p["in"] == "header").ToList();
        var url = Path(name, path, parameters);
        var body = RequestBody(operation);

        // A valid query for the others while one is broken: required ones get a value that meets their schema.
        var baseQuery = query.Where(IsRequired).ToDictionary(p => (string)p["name"]!, p => Scalar(Valid(Schema(p["schema"])!)));
        var baseHeaders = headers.Where(IsRequired).ToDictionary(p => (string)p["name"]!, p => Scalar(Valid(Schema(p["schema"])!)) ?? "x");
        JsonNode? baseBody = body is null ? null : Valid(body.Value.Schema);

        // Ids that name nothing: whatever the operation answers (404, mostly) must be a status it declares.
        if (parameters.Any(p => (string?)p["in"] == "path"))
        {
            var missing = Path("", path, parameters, _ => "zz_walker_missing");
            await StatusDeclaredAsync(name, "unknown ids", method, missing, baseQuery, baseHeaders, body?.MediaType, baseBody, operation);
        }

        foreach (var parameter in query)
        {
            var pname = (string)parameter["name"]!;
            var schema = Schema(parameter["schema"]);
            if (schema is null)
            {
                continue;
            }

            if (IsRequired(parameter))
            {
                var without = new Dictionary<string, string?>(baseQuery);
                without.Remove(pname);
                await CheckAsync(name, $"query {pname} missing", pname, method, url, without, baseHeaders, body?.MediaType, baseBody, operation);
            }

            foreach (var (what, value) in Violations(schema))
            {
                var broken = new Dictionary<string, string?>(baseQuery) { [pname] = Scalar(value) };
                await CheckAsync(name, $"query {pname} {what}", pname, method, url, broken, baseHeaders, body?.MediaType, baseBody, operation);
            }
        }

        foreach (var header in headers.Where(IsRequired))
        {
            var hname = (string)header["name"]!;
            var without = new Dictionary<string, string>(baseHeaders, StringComparer.OrdinalIgnoreCase);
            without.Remove(hname);
            await CheckAsync(name, $"header {hname} missing", hname, method, url, baseQuery, without, body?.MediaType, baseBody, operation);
        }

        if (body is { } b && baseBody is JsonObject)
        {
            // Every PATCH body here is a JSON merge patch (RFC 7396), whatever media type it is sent as.
            var mergePatch = method == "patch" || b.MediaType.Contains("merge-patch", StringComparison.Ordinal);
            foreach (var (field, what, mutate) in BodyViolations(b.Schema, "", mergePatch))
            {
                var broken = baseBody.DeepClone();
                mutate(broken);
                await CheckAsync(name, $"body {field} {what}", field, method, url, baseQuery, baseHeaders, b.MediaType, broken, operation);
            }
        }
    }

    private async Task CheckAsync(
        string operationName, string check, string field, string method, string url, Dictionary<string, string?> query,
        Dictionary<string, string> headers, string? mediaType, JsonNode? body, JsonObject operation)
    {
        var target = url + (query.Count == 0 ? "" : "?" + string.Join("&", query.Where(q => q.Value is not null)
            .Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value!)}")));
        using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), target);
        foreach (var (hname, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(hname, value);
        }

        if (mediaType is not null && body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType) { CharSet = "utf-8" };
        }

        using var response = await client.SendAsync(request);
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync();
        var where = $"{operationName}: {check}";
        Log.Add($"{where} → {status}");
        var declared = operation["responses"]?.AsObject().Any(r => r.Key == status.ToString(CultureInfo.InvariantCulture)) == true;
        if (!declared)
        {
            Failures.Add($"{where}: answered {status}, which the operation does not declare: {Cut(text)}");
            return;
        }

        if (NotReached.Contains(status))
        {
            return;
        }

        if (status is not (400 or 422))
        {
            Failures.Add($"{where}: answered {status}; expected 400 or 422: {Cut(text)}");
            return;
        }

        var error = TryParse(text)?["error"];
        if (error?["code"] is null)
        {
            Failures.Add($"{where}: {status} without the error envelope: {Cut(text)}");
            return;
        }

        if (status == 422 && error["details"] is JsonArray details && details.Count > 0)
        {
            var leaf = field.Split('.').Last();
            var named = details.Any(d => (string?)d?["field"] is { } f
                && (f == field || f == leaf || f.EndsWith("." + leaf, StringComparison.Ordinal) || f.StartsWith(field, StringComparison.Ordinal)
                    || f.Replace("[0]", "", StringComparison.Ordinal).EndsWith(leaf, StringComparison.Ordinal)));
            if (!named)
            {
                Failures.Add($"{where}: 422 names other fields, not {field}: {Cut(text)}");
                return;
            }
        }

        Enforced++;
    }

    /// <summary>Sends a request that breaks nothing declared; only checks the answer is declared, enveloped if an error, and not a 5xx.</summary>
    private async Task StatusDeclaredAsync(
        string operationName, string check, string method, string url, Dictionary<string, string?> query,
        Dictionary<string, string> headers, string? mediaType, JsonNode? body, JsonObject operation)
    {
        var target = url + (query.Count == 0 ? "" : "?" + string.Join("&", query.Where(q => q.Value is not null)
            .Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value!)}")));
        using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), target);
        foreach (var (hname, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(hname, value);
        }

        if (mediaType is not null && body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType) { CharSet = "utf-8" };
        }

        using var response = await client.SendAsync(request);
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync();
        var where = $"{operationName}: {check}";
        Log.Add($"{where} → {status}");
        if (status >= 500 || operation["responses"]?.AsObject().Any(r => r.Key == status.ToString(CultureInfo.InvariantCulture)) != true)
        {
            Failures.Add($"{where}: answered {status}, which the operation does not declare: {Cut(text)}");
        }
        else if (status >= 400 && TryParse(text)?["error"]?["code"] is null)
        {
            Failures.Add($"{where}: {status} without the error envelope: {Cut(text)}");
        }
    }

    private static JsonNode? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Cut(string text) => text.Length <= 300 ? text : text[..300] + "…";

    private string Path(string operationName, string path, List<JsonObject> parameters, Func<string, string>? values = null)
    {
        OperationPathValues.TryGetValue(operationName, out var own);
        foreach (var p in parameters.Where(p => (string?)p["in"] == "path"))
        {
            var pname = (string)p["name"]!;
            var value = values?.Invoke(pname) ?? own?.GetValueOrDefault(pname) ?? PathValues.GetValueOrDefault(pname) ?? "x";
            path = path.Replace("{" + pname + "}", Uri.EscapeDataString(value), StringComparison.Ordinal);
        }

        return path;
    }

    private (string MediaType, JsonObject Schema)? RequestBody(JsonObject operation)
    {
        if (Resolve(operation["requestBody"])?["content"] is not JsonObject content)
        {
            return null;
        }

        // The plain JSON form when there is one; a merge patch otherwise.
        foreach (var media in new[] { "application/json", "application/merge-patch+json" })
        {
            if (content[media]?["schema"] is { } schema && Schema(schema) is { } resolved)
            {
                return (media, resolved);
            }
        }

        return null;
    }

    /// <summary>Each broken form of a body: a missing required property, or one property that breaks its schema.</summary>
    private IEnumerable<(string Field, string What, Action<JsonNode> Mutate)> BodyViolations(JsonObject schema, string prefix, bool mergePatch)
    {
        if (Schema(schema) is not { } s || s["properties"] is not JsonObject properties)
        {
            yield break;
        }

        var required = (s["required"] as JsonArray ?? []).Select(n => (string?)n).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var (name, raw) in properties)
        {
            var field = prefix.Length == 0 ? name : $"{prefix}.{name}";
            var property = Schema(raw);
            if (property is null || property["readOnly"] is JsonValue r && r.GetValue<bool>())
            {
                continue;
            }

            // In a merge patch an absent member means "unchanged": required there constrains the result, not the patch.
            if (required.Contains(name) && !mergePatch)
            {
                yield return (field, "missing", n => At(n, prefix)?.AsObject().Remove(name));
            }

            foreach (var (what, value) in Violations(property))
            {
                yield return (field, what, n =>
                {
                    if (At(n, prefix, create: true) is JsonObject o)
                    {
                        o[name] = value?.DeepClone();
                    }
                });
            }

            if (Types(property).Contains("object"))
            {
                foreach (var nested in BodyViolations(property, field, mergePatch))
                {
                    yield return nested;
                }
            }
        }
    }

    /// <summary>The object at <paramref name="path"/>; with <paramref name="create"/>, made where missing (a merge patch's baseline is empty).</summary>
    private static JsonNode? At(JsonNode root, string path, bool create = false) =>
        path.Length == 0 ? root : path.Split('.').Aggregate<string, JsonNode?>(root, (node, segment) =>
            node is JsonObject o && create && o[segment] is null ? o[segment] = new JsonObject() : node?[segment]);

    /// <summary>Values that break one keyword of <paramref name="schema"/> each.</summary>
    private static IEnumerable<(string What, JsonNode? Value)> Violations(JsonObject schema)
    {
        var types = Types(schema);
        if (schema["enum"] is JsonArray && (types.Count == 0 || types.Contains("string")))
        {
            yield return ("not in enum", JsonValue.Create("not-a-declared-value"));
        }

        if (types.Contains("string"))
        {
            var pattern = (string?)schema["pattern"];
            if (schema["maxLength"] is JsonValue max && max.GetValue<long>() is var length and < 100_000)
            {
                yield return ($"over maxLength {length}", JsonValue.Create(Fitting(pattern, (int)length + 1)));
            }

            if (pattern is not null && schema["enum"] is null && Mismatch(pattern, (int?)(long?)schema["maxLength"]) is { } bad)
            {
                yield return ($"not matching {pattern}", JsonValue.Create(bad));
            }
        }

        if (types.Contains("integer") || types.Contains("number"))
        {
            if (Number(schema["minimum"]) is { } min && min > long.MinValue)
            {
                yield return ($"below minimum {min}", JsonValue.Create(min - 1));
            }

            if (Number(schema["maximum"]) is { } max && max < long.MaxValue)
            {
                yield return ($"above maximum {max}", JsonValue.Create(max + 1));
            }
        }
    }

    private static long? Number(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<long>(out var l) => l,
        JsonValue v when v.TryGetValue<string>(out var s) && long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => l,
        JsonValue v when v.TryGetValue<double>(out var d) && d is > long.MinValue and < long.MaxValue => (long)d,
        _ => null,
    };

    /// <summary>A string of <paramref name="length"/> that matches <paramref name="pattern"/> where repetition allows, so only its length is wrong.</summary>
    private static string Fitting(string? pattern, int length)
    {
        foreach (var c in "a1A")
        {
            var candidate = new string(c, length);
            if (pattern is null || Matches(pattern, candidate))
            {
                return candidate;
            }
        }

        return new string('a', length);
    }

    private static string? Mismatch(string pattern, int? maxLength)
    {
        foreach (var candidate in new[] { "!", " bad value ", "<x>", "ü", "a b", "--", "" })
        {
            if (!Matches(pattern, candidate) && (maxLength is null || candidate.Length <= maxLength) && candidate.Length > 0)
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool Matches(string pattern, string value)
    {
        try
        {
            return Regex.IsMatch(value, pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException)
        {
            return true; // a pattern .NET cannot read: nothing to break on purpose
        }
    }

    /// <summary>A value that meets <paramref name="schema"/>: the baseline that a single violation is made from.</summary>
    private JsonNode? Valid(JsonObject schema, string? name = null)
    {
        if (name is not null && ValidValues.TryGetValue(name, out var known))
        {
            return known.DeepClone();
        }

        var types = Types(schema);
        if (schema["enum"] is JsonArray values && values.FirstOrDefault(v => v is not null) is { } first)
        {
            return first.DeepClone();
        }

        if (types.Contains("object") || schema["properties"] is not null)
        {
            var result = new JsonObject();
            var required = (schema["required"] as JsonArray ?? []).Select(n => (string?)n).OfType<string>().ToHashSet(StringComparer.Ordinal);
            foreach (var (pname, raw) in schema["properties"] as JsonObject ?? [])
            {
                if (Schema(raw) is { } property && (required.Contains(pname) || ValidValues.ContainsKey(pname)))
                {
                    result[pname] = Valid(property, pname);
                }
            }

            return result;
        }

        if (types.Contains("array"))
        {
            var items = Schema(schema["items"]);
            return items is null ? new JsonArray() : new JsonArray(Valid(items));
        }

        if (types.Contains("integer") || types.Contains("number"))
        {
            var min = Number(schema["minimum"]) ?? 1;
            return JsonValue.Create(Math.Max(min, Math.Min(1, Number(schema["maximum"]) ?? 1)));
        }

        if (types.Contains("boolean"))
        {
            return JsonValue.Create(false);
        }

        if (types.Contains("string"))
        {
            return JsonValue.Create(ValidString(schema));
        }

        return types.Contains("null") ? null : JsonValue.Create("x");
    }

    private static string ValidString(JsonObject schema)
    {
        var format = (string?)schema["format"];
        var pattern = (string?)schema["pattern"];
        var min = (int?)(long?)schema["minLength"] ?? 1;
        var max = (int?)(long?)schema["maxLength"] ?? 100;
        var candidates = format switch
        {
            "email" => ["walker@example.com"],
            "date-time" => [DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)],
            "uri" => ["https://example.com/x"],
            _ => new[] { "Walker", "walker", "KR", "KRW", "ab-1", "a1", "1", "10", "100", "12345", "x", "+82 10-1234-5678", "Walker-Pass-1234" },
        };
        foreach (var candidate in candidates.Concat([new string('a', min), new string('1', min), new string('A', min)]))
        {
            if (candidate.Length >= min && candidate.Length <= max && (pattern is null || Matches(pattern, candidate)))
            {
                return candidate;
            }
        }

        return new string('a', Math.Max(1, min));
    }

    private static string? Scalar(JsonNode? value) => value switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => value.ToJsonString(),
    };

    private static bool IsRequired(JsonObject parameter) => parameter["required"] is JsonValue v && v.GetValue<bool>();

    private static HashSet<string> Types(JsonObject schema) => schema["type"] switch
    {
        JsonArray a => a.Select(t => (string?)t).OfType<string>().ToHashSet(StringComparer.Ordinal),
        JsonValue v => [(string)v!],
        _ => [],
    };

    /// <summary>The schema behind <c>$ref</c>s and a nullable <c>oneOf: [{type: null}, X]</c>.</summary>
    private JsonObject? Schema(JsonNode? node)
    {
        node = Resolve(node);
        if (node?["oneOf"] is JsonArray choices && choices.Select(Resolve).OfType<JsonObject>()
                .FirstOrDefault(c => !(Types(c) is { Count: 1 } t && t.Contains("null"))) is { } real)
        {
            return Schema(real);
        }

        return node as JsonObject;
    }

    private JsonNode? Resolve(JsonNode? node)
    {
        for (var depth = 0; depth < 32 && node?["$ref"] is JsonValue reference; depth++)
        {
            node = document;
            foreach (var segment in ((string)reference!)[2..].Split('/'))
            {
                node = node?[segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)];
            }
        }

        return node;
    }
}
