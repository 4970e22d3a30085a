using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Agora.Testing;

public static class Json
{
    public static async Task<JsonNode> BodyAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text) ?? throw new InvalidOperationException("Empty body");
    }

    public static StringContent Raw(string json, string mediaType = "application/json") => new(json, Encoding.UTF8, mediaType);

    public static JsonContent Of(object value) => JsonContent.Create(value, options: new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    });

    /// <summary>Asserts the error envelope and returns its error object.</summary>
    public static async Task<JsonNode> AssertErrorAsync(this HttpResponseMessage response, int status, string code)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/json", $"{response.Content.Headers.ContentType}: {await response.Content.ReadAsStringAsync()}");
        var body = await response.BodyAsync();
        var error = body["error"] ?? throw new Xunit.Sdk.XunitException($"No error envelope: {body}");
        Assert.Equal(code, (string?)error["code"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)error["message"]));
        Assert.Equal(response.Headers.GetValues("X-Request-ID").Single(), (string?)body["meta"]!["request_id"]);
        return error;
    }
}
