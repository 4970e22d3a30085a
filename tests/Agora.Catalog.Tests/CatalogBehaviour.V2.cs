using System.Net;
using System.Text.Json.Nodes;

namespace Agora.Catalog.Tests;

/// <summary>v2 of products: the same data in the new shape (category object, pricing.list_price), both stores.</summary>
public abstract partial class CatalogBehaviour
{
    [Fact]
    public async Task V2List_SameProductsAsV1_InTheNewShape()
    {
        var v1 = (await (await Client.GetAsync("/api/v1/products?sort=price&per_page=5")).BodyAsync());
        var response = await Client.GetAsync("/api/v2/products?sort=price&per_page=5");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var v2 = await response.BodyAsync();
        var before = v1["data"]!.AsArray();
        var after = v2["data"]!.AsArray();
        Assert.Equal(before.Select(p => (string?)p!["id"]), after.Select(p => (string?)p!["id"]));
        for (var i = 0; i < before.Count; i++)
        {
            Assert.Equal((string?)before[i]!["category_id"], (string?)after[i]!["category"]!["id"]);
            Assert.True(JsonNode.DeepEquals(before[i]!["price"], after[i]!["pricing"]!["list_price"]));
            Assert.Null(after[i]!["price"]);
            Assert.Null(after[i]!["category_id"]);
        }

        Assert.Equal((long)v1["pagination"]!["total"]!, (long)v2["pagination"]!["total"]!);
        Assert.Equal((string?)v1["pagination"]!["next_cursor"], (string?)v2["pagination"]!["next_cursor"]);
    }

    [Fact]
    public async Task V2Get_OneProductWithETag_304WhenUnchanged_404WhenMissing()
    {
        var id = (string)(await (await Client.GetAsync("/api/v1/products?per_page=1")).BodyAsync())["data"]![0]!["id"]!;

        var response = await Client.GetAsync($"/api/v2/products/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(id, (string?)(await response.BodyAsync())["data"]!["id"]);
        var etag = response.Headers.ETag!.Tag;

        using var again = new HttpRequestMessage(HttpMethod.Get, $"/api/v2/products/{id}");
        again.Headers.TryAddWithoutValidation("If-None-Match", etag);
        Assert.Equal(HttpStatusCode.NotModified, (await Client.SendAsync(again)).StatusCode);

        var missing = await Client.GetAsync("/api/v2/products/prd_doesnotexist");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("PRODUCT_NOT_FOUND", (string?)(await missing.BodyAsync())["error"]!["code"]);
    }

    [Fact]
    public async Task V2List_InvalidFilter_422InTheEnvelope()
    {
        var response = await Client.GetAsync("/api/v2/products?sort=colour");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("VALIDATION_ERROR", (string?)(await response.BodyAsync())["error"]!["code"]);
    }
}
