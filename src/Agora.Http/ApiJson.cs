using System.Text.Json;
using System.Text.Json.Serialization;

namespace Agora.Http;

/// <summary>The JSON conventions of every Agora API.</summary>
public static class ApiJson
{
    /// <summary>The wire format of every API: snake_case names and enums, no lenient number parsing.</summary>
    public static void Configure(JsonSerializerOptions json)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        json.DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower;
        json.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        json.NumberHandling = JsonNumberHandling.Strict;
        json.UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip;
    }
}
