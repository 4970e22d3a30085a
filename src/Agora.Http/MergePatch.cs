using System.Text.Json;
using System.Text.Json.Nodes;

namespace Agora.Http;

/// <summary>JSON Merge Patch (RFC 7396).</summary>
public static class MergePatch
{
    /// <summary>
    /// Applies <paramref name="patch"/> to <paramref name="current"/> (as <paramref name="json"/> writes it) and reads the
    /// result back: the patched <typeparamref name="T"/>, or a 422 naming the field whose new value has the wrong type.
    /// </summary>
    public static (T? Value, ApiError? Error) Apply<T>(T current, JsonElement patch, JsonSerializerOptions json)
    {
        var node = JsonSerializer.SerializeToNode(current, json)!.AsObject();
        var merged = Apply(node, JsonNode.Parse(patch.GetRawText()));
        try
        {
            return (merged.Deserialize<T>(json), null);
        }
        catch (JsonException ex)
        {
            return (default, ApiResults.Validation(ex.Path?.TrimStart('$', '.') is { Length: > 0 } f ? f : "$", "Wrong type."));
        }
    }

    /// <summary>
    /// The checks every PATCH endpoint makes before <see cref="Apply{T}(T, JsonElement, JsonSerializerOptions)"/>: the
    /// patch is a JSON object (else 422 at <c>$</c>: "A merge patch for <paramref name="resource"/> must be a JSON
    /// object."), and each of its fields is one of <paramref name="patchable"/> (else 422 naming it: <c>Read-only.</c>
    /// for <c>id</c>, <c>created_at</c>, <c>updated_at</c> and <paramref name="readOnly"/>, <c>Unknown field.</c>
    /// otherwise). <paramref name="refuse"/> may refuse a patchable field with a message of its own (null accepts it).
    /// Then <paramref name="current"/> (the resource as its input type) is patched.
    /// </summary>
    public static (T? Value, ApiError? Error) Apply<T>(
        Func<T> current, JsonElement patch, JsonSerializerOptions json, string resource, IReadOnlySet<string> patchable,
        IReadOnlyCollection<string>? readOnly = null, Func<JsonProperty, string?>? refuse = null)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(patchable);
        if (patch.ValueKind != JsonValueKind.Object)
        {
            return (default, ApiResults.Validation("$", $"A merge patch for {resource} must be a JSON object."));
        }

        var v = new Validator();
        foreach (var property in patch.EnumerateObject())
        {
            if (!patchable.Contains(property.Name))
            {
                v.Add(property.Name, property.Name is "id" or "created_at" or "updated_at" || readOnly?.Contains(property.Name) == true
                    ? "Read-only."
                    : "Unknown field.");
            }
            else if (refuse?.Invoke(property) is { } message)
            {
                v.Add(property.Name, message);
            }
        }

        return v.IsValid ? Apply(current(), patch, json) : (default, v.ToError());
    }

    /// <summary>Applies <paramref name="patch"/> to <paramref name="target"/> and returns the result.</summary>
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject o ? (JsonObject)o.DeepClone() : new JsonObject();
        foreach (var (name, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(name);
            }
            else
            {
                result[name] = Apply(result[name], value);
            }
        }

        return result;
    }
}
