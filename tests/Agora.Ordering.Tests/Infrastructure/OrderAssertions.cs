using System.Net;
using System.Text.Json.Nodes;

namespace Agora.Ordering.Tests.Infrastructure;

/// <summary>What the tests send and read, in the API's own terms.</summary>
public static class Orders
{
    public static string NewCustomer() => "usr_" + Guid.NewGuid().ToString("N")[..12];

    public static string NewKey() => Guid.NewGuid().ToString();

    /// <summary>An order body: items as (product, quantity), a Seoul address with <paramref name="postalCode"/>.</summary>
    public static object Body(IEnumerable<(string Product, int Quantity)> items, string postalCode = "06236", string country = "KR") => new
    {
        items = items.Select(i => new { product_id = i.Product, quantity = i.Quantity }).ToArray(),
        shipping_address = new
        {
            recipient = "Kim Minji", phone = "010-1234-5678", line1 = "152 Teheran-ro", line2 = "5F", city = "Seoul",
            postal_code = postalCode, country,
        },
    };

    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, object body, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = Json.Of(body) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return await client.SendAsync(request);
    }

    public static async Task<JsonNode> DataAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!["data"]!;
    }

    public static string Status(JsonNode order) => (string)order["status"]!;

    public static string Saga(JsonNode order) => (string)order["saga"]!["state"]!;

    public static bool IsSettled(JsonNode order) => Saga(order) is "completed" or "cancelled";

    /// <summary>
    /// The order's history by event type, without <c>step_retried</c>: a step retried because its answer outlasted the
    /// (test-short) step timeout on a busy machine is the saga working, not another outcome. Tests about retries use
    /// <paramref name="withRetries"/>.
    /// </summary>
    public static async Task<List<string>> EventTypesAsync(HttpClient client, string id, bool withRetries = false) =>
        (await DataAsync(client, $"/api/v1/orders/{id}/events")).AsArray().Select(e => (string)e!["type"]!)
            .Where(t => withRetries || t != "step_retried").ToList();
}
