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
        using var gateway = new HttpClient { BaseAddress = fixture.App.GetEndpoint("gateway", "http") };
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
