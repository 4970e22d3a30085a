using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Agora.Catalog.Tests;

/// <summary>
/// The product resource carries its availability (issue 15) on every read: v1 and v2, one product and lists, and a
/// category's list. The product and its pages are cached and carry ETags, so each test first reads (and caches) the
/// product, then changes the stock, then reads again: a stale cache entry or a 304 for an old tag would show.
/// </summary>
public abstract partial class CatalogBehaviour
{
    /// <summary>Every read of one product: (what, availability) for v1, v2, the lists of both and the category list.</summary>
    private async Task<List<(string Where, JsonNode? Availability)>> AvailabilityEverywhereAsync(JsonNode product)
    {
        var id = (string)product["id"]!;
        var name = Uri.EscapeDataString((string)product["name"]!);
        var category = (string)product["category_id"]!;
        var reads = new List<(string, JsonNode?)>
        {
            ("v1 get", (await (await Client.GetAsync($"/api/v1/products/{id}")).BodyAsync())["data"]!["availability"]),
            ("v2 get", (await (await Client.GetAsync($"/api/v2/products/{id}")).BodyAsync())["data"]!["availability"]),
        };
        foreach (var list in new[] { $"/api/v1/products?q={name}", $"/api/v2/products?q={name}", $"/api/v1/categories/{category}/products?q={name}" })
        {
            var items = (await (await Client.GetAsync(list)).BodyAsync())["data"]!.AsArray();
            reads.Add((list, Assert.Single(items, p => (string?)p!["id"] == id)!["availability"]));
        }

        return reads;
    }

    private async Task AssertAvailabilityEverywhereAsync(JsonNode product, string status, int available)
    {
        foreach (var (where, availability) in await AvailabilityEverywhereAsync(product))
        {
            Assert.True(availability is not null, $"{where}: no availability");
            Assert.True((string?)availability!["status"] == status && (int)availability["available"]! == available,
                $"{where}: expected {status}/{available}, got {availability.ToJsonString()}");
        }
    }

    private async Task<string> ReserveAsync(string productId, int quantity)
    {
        var response = await Service.PostAsync("/api/v1/reservations", Json.Of(new { lines = new[] { new { product_id = productId, quantity } } }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (string)(await response.BodyAsync())["data"]!["id"]!;
    }

    private async Task<HttpResponseMessage> GetIfNoneMatchAsync(string path, EntityTagHeaderValue etag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.IfNoneMatch.Add(etag);
        return await Client.SendAsync(request);
    }

    [Fact]
    public async Task Availability_ReservationsTakeStockToZero_EveryReadShowsOutOfStock_AndAnOldETagIsNot304()
    {
        var p = await CreateProductAsync(stock: 10);
        var id = (string)p["id"]!;
        Assert.Equal("in_stock", (string?)p["availability"]!["status"]);
        await AssertAvailabilityEverywhereAsync(p, "in_stock", 10); // every cache now holds it in stock
        var v1Tag = (await Client.GetAsync($"/api/v1/products/{id}")).Headers.ETag!;
        var v2Tag = (await Client.GetAsync($"/api/v2/products/{id}")).Headers.ETag!;
        Assert.Equal(HttpStatusCode.NotModified, (await GetIfNoneMatchAsync($"/api/v1/products/{id}", v1Tag)).StatusCode);

        await ReserveAsync(id, 4);
        await AssertAvailabilityEverywhereAsync(p, "in_stock", 6);
        await ReserveAsync(id, 6);
        await AssertAvailabilityEverywhereAsync(p, "out_of_stock", 0);

        foreach (var (path, tag) in new[] { ($"/api/v1/products/{id}", v1Tag), ($"/api/v2/products/{id}", v2Tag) })
        {
            var response = await GetIfNoneMatchAsync(path, tag);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.NotEqual(tag, response.Headers.ETag);
            Assert.Equal("out_of_stock", (string?)(await response.BodyAsync())["data"]!["availability"]!["status"]);
            Assert.Equal(HttpStatusCode.NotModified, (await GetIfNoneMatchAsync(path, response.Headers.ETag!)).StatusCode);
        }
    }

    [Fact]
    public async Task Availability_ReleaseCommitAndStockCount_ShowAtOnce_LowStockUpToTheThreshold()
    {
        var p = await CreateProductAsync(stock: 8);
        var id = (string)p["id"]!;
        await AssertAvailabilityEverywhereAsync(p, "in_stock", 8);

        var held = await ReserveAsync(id, 5);
        await AssertAvailabilityEverywhereAsync(p, "low_stock", 3); // default threshold 5
        Assert.Equal(HttpStatusCode.OK, (await Service.PostAsync($"/api/v1/reservations/{held}/release", null)).StatusCode);
        await AssertAvailabilityEverywhereAsync(p, "in_stock", 8);

        var sold = await ReserveAsync(id, 8);
        await AssertAvailabilityEverywhereAsync(p, "out_of_stock", 0);
        Assert.Equal(HttpStatusCode.OK, (await Service.PostAsync($"/api/v1/reservations/{sold}/commit", null)).StatusCode);
        await AssertAvailabilityEverywhereAsync(p, "out_of_stock", 0);

        Assert.Equal(HttpStatusCode.OK, (await Client.PutAsync($"/api/v1/products/{id}/inventory", Json.Of(new { available = 5 }))).StatusCode);
        await AssertAvailabilityEverywhereAsync(p, "low_stock", 5);
        Assert.Equal(HttpStatusCode.OK, (await Client.PutAsync($"/api/v1/products/{id}/inventory", Json.Of(new { available = 6 }))).StatusCode);
        await AssertAvailabilityEverywhereAsync(p, "in_stock", 6);
    }

    [Fact]
    public async Task Availability_IfMatchFromBeforeAStockChange_StillGuardsOnlyTheDetails()
    {
        var p = await CreateProductAsync(stock: 10);
        var id = (string)p["id"]!;
        var before = (await Client.GetAsync($"/api/v1/products/{id}")).Headers.ETag!;
        await ReserveAsync(id, 3); // the representation changed, the details did not

        using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/products/{id}")
        {
            Content = new StringContent("""{"description": "Changed after an order"}""", System.Text.Encoding.UTF8, "application/merge-patch+json"),
        };
        patch.Headers.IfMatch.Add(before);
        var patched = await Client.SendAsync(patch);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var body = (await patched.BodyAsync())["data"]!;
        Assert.Equal(7, (int)body["availability"]!["available"]!);

        // The answer's ETag is the one a read gives now, and the old tag no longer matches the details.
        Assert.Equal(patched.Headers.ETag, (await Client.GetAsync($"/api/v1/products/{id}")).Headers.ETag);
        using var stale = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/products/{id}")
        {
            Content = new StringContent("""{"description": "Lost update"}""", System.Text.Encoding.UTF8, "application/merge-patch+json"),
        };
        stale.Headers.IfMatch.Add(before);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await Client.SendAsync(stale)).StatusCode);
    }
}
