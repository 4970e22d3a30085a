using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Agora.EndToEnd.Tests;

/// <summary>
/// The distributed shop runs a Catalog canary (<c>--Agora:Canary:Catalog=10</c>, <see cref="DistributedAppHostFixture"/>):
/// a second Catalog process on the same database and broker that the gateway sends 10 % of Catalog's requests to.
/// </summary>
[Collection(DistributedAppHostCollection.Name)]
public sealed class CanaryTests(DistributedAppHostFixture fixture)
{
    [Fact]
    public async Task Canary_GetsTenPercentOfCatalogTraffic_CanBePinned_AndServesTheSameData()
    {
        using var gateway = fixture.CreateClient("gateway");
        using var customer = await ShopClient.RegisterAsync(fixture); // its own rate-limit partition (the token's subject)
        using var shop = await ShopOperator.StartAsync(fixture);
        var product = await shop.ProductAsync(7, stock: 42);

        var served = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            var (version, available) = await InventoryAsync(gateway, customer.Token, product, pin: null);
            Assert.Equal(42, available);
            served.Add(version);
        }

        // The split is interleaved: exactly 5 of any 50 consecutive Catalog requests reach the canary.
        Assert.Equal(5, served.Count(v => v == "canary"));
        Assert.Equal(45, served.Count(v => v == "stable"));

        // A change made through the stable Catalog is what the canary serves: one database.
        await shop.SetStockAsync(product, 7);
        Assert.Equal(("canary", 7), await InventoryAsync(gateway, customer.Token, product, pin: "canary"));
        Assert.Equal(("stable", 7), await InventoryAsync(gateway, customer.Token, product, pin: "stable"));
    }

    [Fact]
    public async Task Canary_ProductChangedThroughTheStableCatalog_TheCanaryStopsServingItsCachedCopy()
    {
        using var gateway = fixture.CreateClient("gateway");
        using var customer = await ShopClient.RegisterAsync(fixture);
        using var shop = await ShopOperator.StartAsync(fixture);
        var product = await shop.ProductAsync(9);
        Assert.Equal("canary", (await ProductAsync(gateway, customer.Token, product)).Version); // now in the canary's memory

        var name = "Canary check " + Guid.NewGuid().ToString("N")[..8];
        var (status, body, _) = await shop.Admin.SendAsync(HttpMethod.Patch, "catalog", $"/api/v1/products/{product}", new JsonObject { ["name"] = name });
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());

        // Product reads are cached in each Catalog's memory for 30 s; the change reaches the canary's copy at once.
        await Poll.UntilAsync(async () => (await ProductAsync(gateway, customer.Token, product)).Name, seen => seen == name,
            "the new name at the canary", TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(100));
    }

    private static async Task<(string Version, string Name)> ProductAsync(HttpClient gateway, string token, string product)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/products/{product}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("X-Agora-Version", "canary");
        using var response = await gateway.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return (response.Headers.GetValues("X-Agora-Version").Single(), (string)JsonNode.Parse(text)!["data"]!["name"]!);
    }

    private static async Task<(string Version, int Available)> InventoryAsync(HttpClient gateway, string token, string product, string? pin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/products/{product}/inventory");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (pin is not null)
        {
            request.Headers.Add("X-Agora-Version", pin);
        }

        using var response = await gateway.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return (response.Headers.GetValues("X-Agora-Version").Single(), (int)JsonNode.Parse(text)!["data"]!["available"]!);
    }
}
