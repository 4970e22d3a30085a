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
