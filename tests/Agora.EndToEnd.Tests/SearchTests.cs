using System.Net;
using System.Text.Json.Nodes;

namespace Agora.EndToEnd.Tests;

/// <summary>Search beside the real Catalog the AppHost started: built from Catalog at first start, then following its events.</summary>
public abstract class SearchTests(AppHostFixture fixture)
{
    [Fact]
    public async Task Search_FindsTheSeededCatalogue_AndAProductCreatedInCatalogWithinSeconds()
    {
        using var op = await ShopOperator.StartAsync(fixture);
        var seeded = (await op.Admin.GetDataAsync("catalog", "/api/v1/products?per_page=1&sort=price&status=active"))[0]!;
        var hits = await WaitForHitAsync(op, (string)seeded["name"]!, (string)seeded["id"]!, TimeSpan.FromSeconds(90));
        Assert.NotNull(hits["facets"]?["categories"]);

        var name = $"Zephyrine Teapot {Guid.NewGuid():N}"[..26];
        var (status, body, _) = await op.Admin.SendAsync(HttpMethod.Post, "catalog", "/api/v1/products", new JsonObject
        {
            ["sku"] = "E2E-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant(), ["name"] = name, ["category_id"] = (string)seeded["category_id"]!,
            ["price"] = new JsonObject { ["amount"] = "32000", ["currency"] = "KRW" }, ["status"] = "active", ["initial_stock"] = 5,
        });
        Assert.True(status == HttpStatusCode.Created, body.ToJsonString());
        var created = (string)body["data"]!["id"]!;
        // Within seconds on a settled shop (Search's own tests hold it to 2 s); here Search may still be working through the
        // ~2,000 events of Catalog's first-start seed, which sit ahead of this one in its queue.
        await WaitForHitAsync(op, name, created, TimeSpan.FromSeconds(90));
    }

    private static async Task<JsonNode> WaitForHitAsync(ShopOperator op, string query, string productId, TimeSpan timeout) =>
        (await Poll.UntilAsync(async () =>
        {
            var (status, body, _) = await op.Admin.SendAsync(HttpMethod.Get, "search", $"/api/v1/search/products?q={Uri.EscapeDataString(query)}");
            return (status, data: body["data"] ?? body);
        }, r => r.status == HttpStatusCode.OK && r.data["items"]!.AsArray().Any(i => (string?)i!["id"] == productId),
            $"search to find {productId} for '{query}'", timeout, TimeSpan.FromMilliseconds(200))).data;
}

[Collection(AppHostCollection.Name)]
public sealed class EmbeddedSearchTests(EmbeddedAppHostFixture fixture) : SearchTests(fixture);

[Collection(DistributedAppHostCollection.Name)]
public sealed class DistributedSearchTests(DistributedAppHostFixture fixture) : SearchTests(fixture);
