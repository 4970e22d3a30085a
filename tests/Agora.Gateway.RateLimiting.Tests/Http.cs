using System.Net;
using System.Text.Json;

namespace Agora.Gateway.RateLimiting.Tests;

/// <summary>Request helpers and the rate limit headers of a response.</summary>
internal static class Http
{
    public static async Task<HttpResponseMessage> Get(this HttpClient client, string path, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await client.SendAsync(request);
    }

    public static async Task<HttpStatusCode> Status(this HttpClient client, string path, params (string Name, string Value)[] headers)
    {
        using var response = await client.Get(path, headers);
        return response.StatusCode;
    }

    public static string? Header(this HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;

    public static long LongHeader(this HttpResponseMessage response, string name) =>
        long.Parse(response.Header(name) ?? throw new Xunit.Sdk.XunitException($"No {name} header."), System.Globalization.CultureInfo.InvariantCulture);

    public static async Task<JsonElement> Json(this HttpResponseMessage response)
    {
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.Clone();
    }
}
